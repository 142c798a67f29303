// Starts GraphiQL on the element #graphiql, reading its settings from the element's data
// attributes: the page carries no inline script, so the Content-Security-Policy can forbid them.
(function () {
  var root = document.getElementById('graphiql');
  var d = root.dataset;
  var fetcher = GraphiQL.createFetcher({ url: new URL(d.endpoint, window.location.href).toString() });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: d.query,
      defaultHeaders: d.headers,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    })
  );
})();
