// The one way the pages reach the server: POST /graphql, with the session's token if any.

const TOKEN_KEY = 'cmograph.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

// setToken keeps a token for this tab's session only: closing the tab forgets it.
export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// ApiError carries the GraphQL errors of an answer: each has extensions.code and, for input
// the API refused, extensions.field (e.g. "input.code").
export class ApiError extends Error {
  constructor(errors, data) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.data = data;
  }
  get code() {
    return this.errors[0]?.extensions?.code || '';
  }
}

export async function gql(query, variables) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  let res;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (e) {
    throw new ApiError([{ message: `the server could not be reached (${e.message})`, extensions: { code: 'NETWORK' } }]);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError([{ message: `the server answered ${res.status} ${res.statusText}`, extensions: { code: 'INTERNAL' } }]);
  }
  if (body.errors?.length) {
    const err = new ApiError(body.errors, body.data);
    if (err.code === 'UNAUTHENTICATED') window.dispatchEvent(new CustomEvent('cmograph:unauthenticated', { detail: err.message }));
    throw err;
  }
  return body.data;
}
