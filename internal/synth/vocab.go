package synth

// The tables below are the only package-level values: a fixed vocabulary of peer-support and
// mental-health programme theory. Element names are composed from a concept's phrasings and a
// qualifier, so the same idea recurs across studies in slightly different words; that overlap is
// what gives search, suggestions and the crosswalk something real to work on.

// theoryDef is a theory or framework with its constructs (names; ids are derived).
type theoryDef struct {
	id, name, kind, citation, description string
	constructs                            []constructDef
}

type constructDef struct{ name, description string }

// Theory ids carry a "syn-" prefix so a synthetic corpus loaded beside the seed corpus never
// overwrites the seed's own theories.
var theoryDefs = []theoryDef{
	{"syn-chime", "CHIME framework of personal recovery", "FRAMEWORK",
		"Leamy M, Bird V, Le Boutillier C, Williams J, Slade M. Conceptual framework for personal recovery in mental health. Br J Psychiatry. 2011;199(6):445-452.",
		"Five recovery processes identified by systematic review and narrative synthesis.",
		[]constructDef{
			{"Connectedness", "Peer support, relationships and being part of the community."},
			{"Hope", "Hope and optimism about the future; belief in the possibility of recovery."},
			{"Identity", "Rebuilding a positive sense of identity and overcoming stigma."},
			{"Meaning", "Meaning in life, meaningful social roles and goals."},
			{"Empowerment", "Personal responsibility, control over life and focusing on strengths."},
		}},
	{"syn-social-learning-theory", "Social Learning Theory", "SUBSTANTIVE",
		"Bandura A. Social learning theory. Englewood Cliffs: Prentice Hall; 1977.",
		"People learn by observing others, especially models they perceive as similar to themselves.",
		[]constructDef{
			{"Observational learning", "Learning new ways of thinking and behaving by watching a model."},
			{"Self-efficacy", "Belief in one's capacity to carry out the actions a goal needs."},
			{"Role modelling", "A similar other demonstrates that a goal is attainable."},
		}},
	{"syn-social-comparison-theory", "Social Comparison Theory", "SUBSTANTIVE",
		"Festinger L. A theory of social comparison processes. Hum Relat. 1954;7(2):117-140.",
		"People evaluate themselves by comparison with others.",
		[]constructDef{
			{"Upward comparison", "Comparison with someone further along in recovery, a source of hope."},
			{"Downward comparison", "Comparison with someone who has had it harder."},
		}},
	{"syn-helper-therapy-principle", "Helper therapy principle", "MIDDLE_RANGE",
		"Riessman F. The 'helper' therapy principle. Soc Work. 1965;10(2):27-32.",
		"Those who help others benefit from the act of helping.",
		[]constructDef{
			{"Helper benefit", "Helping others builds the helper's competence, worth and purpose."},
		}},
	{"syn-experiential-knowledge", "Experiential knowledge", "MIDDLE_RANGE",
		"Borkman T. Experiential knowledge: a new concept for the analysis of self-help groups. Soc Serv Rev. 1976;50(3):445-456.",
		"Truth learned from personal experience with a phenomenon rather than from reasoning or observation.",
		[]constructDef{
			{"Experiential knowledge", "Knowledge grounded in lived experience of mental distress and services."},
			{"Shared lived experience", "A common experience that makes understanding and empathy credible."},
		}},
	{"syn-modified-labelling-theory", "Modified labelling theory", "SUBSTANTIVE",
		"Link BG, Cullen FT, Struening E, Shrout PE, Dohrenwend BP. A modified labeling theory approach to mental disorders. Am Sociol Rev. 1989;54(3):400-423.",
		"Expectations of rejection lead people with a psychiatric label to withdraw, harming their outcomes.",
		[]constructDef{
			{"Self-stigma", "Internalised negative stereotypes about mental illness."},
			{"Anticipated discrimination", "Expecting rejection because of a mental health label."},
		}},
	{"syn-self-determination-theory", "Self-determination theory", "SUBSTANTIVE",
		"Deci EL, Ryan RM. Intrinsic motivation and self-determination in human behavior. New York: Plenum; 1985.",
		"Motivation and wellbeing depend on the satisfaction of basic psychological needs.",
		[]constructDef{
			{"Autonomy", "Experiencing choice and ownership of one's actions."},
			{"Competence", "Feeling effective in one's interactions with the environment."},
			{"Relatedness", "Feeling connected to and cared for by others."},
		}},
	{"syn-normalisation-process-theory", "Normalisation process theory", "MIDDLE_RANGE",
		"May C, Finch T. Implementing, embedding, and integrating practices: an outline of normalization process theory. Sociology. 2009;43(3):535-554.",
		"How new practices such as peer roles become embedded in organisations.",
		[]constructDef{
			{"Coherence", "Staff make sense of what the new role is for."},
			{"Cognitive participation", "Staff commit to and engage with the new practice."},
			{"Collective action", "The work needed to make the practice happen."},
			{"Reflexive monitoring", "Appraising how the practice is working."},
		}},
	{"syn-working-alliance", "Working alliance", "SUBSTANTIVE",
		"Bordin ES. The generalizability of the psychoanalytic concept of the working alliance. Psychother Theory Res Pract. 1979;16(3):252-260.",
		"Agreement on goals and tasks and an emotional bond make a helping relationship effective.",
		[]constructDef{
			{"Therapeutic bond", "Mutual trust and liking between helper and helped."},
			{"Agreement on goals", "Shared understanding of what the support is for."},
		}},
}

// concept is one idea an element can express: several phrasings of its name, what it says,
// the construct it is an instance of and the sentences a participant might say about it.
type concept struct {
	names       []string
	description string
	construct   string // construct id, or ""
	quotes      []string
}

// contextConcept adds a context's kind and level.
type contextConcept struct {
	concept
	kind, level string
}

var contextConcepts = []contextConcept{
	{concept{[]string{"Peer worker shares lived experience", "Disclosure of lived experience by the peer", "Peer draws on their own recovery story"},
		"The peer worker chooses to share aspects of their own experience of mental distress and recovery.", "syn-experiential-knowledge.shared-lived-experience",
		[]string{"She told me she had been on the same ward a few years ago.", "When he said he had heard voices too, something changed for me."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
	{concept{[]string{"Peer matched on age and background", "Matching with a similar peer", "Peer with a similar cultural background"},
		"Service users are matched with a peer who is similar in age, culture, gender or experience.", "",
		[]string{"It helped that she was my age and from round here.", "He knew what it was like growing up where I did."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
	{concept{[]string{"Peer worker advocates for the service user", "Peer advocacy in meetings with professionals", "Peer speaks up on behalf of the person"},
		"The peer accompanies the service user and speaks up for them with services.", "",
		[]string{"She came with me to the appointment and made sure they listened.", "I would not have said anything if he had not been there with me."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
	{concept{[]string{"Regular supervision of peer workers", "Peer-specific supervision", "Reflective supervision for peer staff"},
		"Peer workers receive regular supervision, ideally from someone who understands the peer role.", "",
		[]string{"Supervision is where I can offload after a hard week.", "Having a supervisor who gets the peer role makes all the difference."}},
		"INTERVENTION_COMPONENT", "INSTITUTIONAL"},
	{concept{[]string{"Peer-led group sessions", "Mutual support groups facilitated by peers", "Group peer support"},
		"Groups facilitated by peer workers in which members support each other.", "syn-chime.connectedness",
		[]string{"In the group everyone just understood without me having to explain.", "Hearing other people in the group say the same things was a relief."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
	{concept{[]string{"Shared interest activities", "Activity-based peer support", "Peer uses shared interests to engage"},
		"Peers engage people through shared interests such as music, sport, walking or creative arts.", "",
		[]string{"We started just going for walks and talking about football.", "Doing something together made it easier to talk."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
	{concept{[]string{"Peer worker role clearly defined", "Clarity about the peer role", "Agreed peer role description"},
		"The organisation has defined what peer workers do and what they do not do.", "syn-normalisation-process-theory.coherence",
		[]string{"At first nobody knew what I was supposed to be doing.", "Once the role was written down the team stopped asking me to do care coordination."}},
		"CONDITION", "INSTITUTIONAL"},
	{concept{[]string{"Training for peer workers", "Accredited peer support training", "Preparation of peers for the role"},
		"Peer workers complete training in using lived experience safely and purposefully.", "",
		[]string{"The training taught me how much of my story to share and when.", "I felt ready after the course, not thrown in at the deep end."}},
		"INTERVENTION_COMPONENT", "INSTITUTIONAL"},
	{concept{[]string{"Peer support offered online", "Digital peer support", "Moderated online peer community"},
		"Peer support is delivered through online forums, video calls or messaging.", "",
		[]string{"Being able to message at night when things were bad really helped.", "Online I could say things I could never say face to face."}},
		"INTERVENTION_COMPONENT", "INFRASTRUCTURAL"},
	{concept{[]string{"Peer worker embedded in the clinical team", "Peer integrated in multidisciplinary team", "Peer works alongside clinicians"},
		"Peer workers are members of the clinical team and attend team meetings.", "syn-normalisation-process-theory.cognitive-participation",
		[]string{"Being in the team meetings meant my view actually counted.", "The nurses started asking me what I thought about people's plans."}},
		"CONDITION", "INSTITUTIONAL"},
	{concept{[]string{"Flexible and informal contact", "Informal contact outside clinical settings", "Unhurried time with the peer"},
		"Contact with peers is flexible, informal and not bound by appointment times.", "",
		[]string{"We could meet in a cafe rather than a clinic.", "There was never a clock ticking when I was with her."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
	{concept{[]string{"Organisational readiness for peer roles", "Organisational culture supportive of peer work", "Leadership commitment to peer support"},
		"Managers and teams are prepared for, and committed to, introducing peer roles.", "syn-normalisation-process-theory.collective-action",
		[]string{"Some managers just did not see the point of us.", "When the director backed the scheme everything got easier."}},
		"CONDITION", "INSTITUTIONAL"},
	{concept{[]string{"Stigma about mental health in the community", "Public stigma of mental illness", "Community attitudes to mental health"},
		"Negative public attitudes and stereotypes about mental illness.", "syn-modified-labelling-theory.anticipated-discrimination",
		[]string{"Where I live you do not talk about your mental health.", "I was scared people would find out and treat me differently."}},
		"CONDITION", "INFRASTRUCTURAL"},
	{concept{[]string{"Social isolation", "Loneliness and lack of social contact", "Isolation associated with mental health problems"},
		"The person has few social contacts and spends much of their time alone.", "syn-chime.connectedness",
		[]string{"I had not spoken to anyone for weeks before I met her.", "I had cut myself off from everyone."}},
		"CONDITION", "INDIVIDUAL"},
	{concept{[]string{"Long waiting lists for services", "Delays in access to specialist care", "Waiting for treatment"},
		"People wait a long time for assessment or treatment.", "",
		[]string{"I was on the waiting list for eight months.", "While I was waiting there was nobody, apart from the peer."}},
		"CONDITION", "INFRASTRUCTURAL"},
	{concept{[]string{"Mistrust of mental health services", "Previous negative experiences of services", "Fear of coercion by services"},
		"The person distrusts services, often after coercive or dismissive experiences.", "",
		[]string{"After being sectioned I did not trust anyone in a lanyard.", "I had been let down by services so many times before."}},
		"CONDITION", "INDIVIDUAL"},
	{concept{[]string{"Transition from children's to adult services", "Transition between services", "Discharge from inpatient care"},
		"The person moves between services, a point where support often falls away.", "",
		[]string{"Turning eighteen meant starting all over again with new people.", "Leaving the ward was the scariest part."}},
		"CONDITION", "INSTITUTIONAL"},
	{concept{[]string{"Staff attitudes to lived experience", "Professional scepticism about peer roles", "Clinicians value lived experience"},
		"How clinical staff regard lived experience as a form of expertise.", "",
		[]string{"Some staff treated me like a patient rather than a colleague.", "The consultant said my input changed how he saw the case."}},
		"CONDITION", "INTERPERSONAL"},
	{concept{[]string{"Limited funding for peer roles", "Short-term funding of peer posts", "Insecure contracts for peer workers"},
		"Peer posts are funded for short periods or at low grades.", "",
		[]string{"Every year we wonder whether the posts will be renewed.", "It is hard to plan when the funding keeps running out."}},
		"CONDITION", "INFRASTRUCTURAL"},
	{concept{[]string{"Service user is motivated to change", "Readiness to engage in recovery", "Motivation to take part"},
		"The person wants things to change and is ready to take part.", "",
		[]string{"I had got to the point where I wanted something different.", "I was ready to give it a go by then."}},
		"CONDITION", "INDIVIDUAL"},
	{concept{[]string{"Crisis or acute distress", "Acute mental health crisis", "Period of severe distress"},
		"The person is in crisis or acutely unwell.", "",
		[]string{"When I was really unwell I could not take anything in.", "At my worst I just needed someone to sit with me."}},
		"CONDITION", "INDIVIDUAL"},
	{concept{[]string{"Co-produced recovery planning", "Recovery goals set together with the peer", "Wellness recovery action planning"},
		"The person and the peer plan recovery goals together.", "syn-chime.empowerment",
		[]string{"We wrote my recovery plan together, in my words.", "Setting small goals with him made it feel possible."}},
		"INTERVENTION_COMPONENT", "INTERPERSONAL"},
}

// mechanismConcept adds a mechanism's resource and reasoning (Dalkin et al. 2015) and what
// explains it.
type mechanismConcept struct {
	concept
	resources, reasonings []string
	explainedBy           string // theory or construct id, or ""
}

var mechanismConcepts = []mechanismConcept{
	{concept{[]string{"Hope through role modelling", "Instilling hope that recovery is possible", "Hope inspired by a peer further along in recovery"},
		"Seeing a similar peer who has recovered makes recovery seem possible.", "syn-chime.hope",
		[]string{"Seeing where she is now made me think I could get there too.", "If he could do it then maybe I could.", "She was living proof that it gets better."}},
		[]string{"Peer worker models recovery", "A visible example of someone living well"},
		[]string{"Service user comes to believe that recovery is possible for them", "The person feels hopeful about their own future"},
		"syn-social-comparison-theory.upward-comparison"},
	{concept{[]string{"Trust built on shared lived experience", "Trusting relationship with the peer", "Credibility of the peer's experience"},
		"Shared experience makes the peer credible and the relationship trusting.", "syn-working-alliance.therapeutic-bond",
		[]string{"I trusted her because she had been through it herself.", "With him I did not have to pretend.", "She was not just reading from a textbook."}},
		[]string{"Peer worker discloses their own experience of distress", "A relationship between equals"},
		[]string{"Service user feels understood and trusts the peer", "The person feels safe enough to open up"},
		"syn-working-alliance"},
	{concept{[]string{"Reduced self-stigma", "Challenging internalised stigma", "Normalising mental distress"},
		"Meeting peers challenges the shame the person feels about their diagnosis.", "syn-modified-labelling-theory.self-stigma",
		[]string{"I stopped feeling like a freak.", "I realised I was not the only one.", "It was normal to feel like that, she said."}},
		[]string{"Peers talk openly about mental illness", "Contact with people who are open about their diagnosis"},
		[]string{"Service user feels less ashamed of their mental health problems", "The person stops seeing themselves as broken"},
		"syn-social-learning-theory"},
	{concept{[]string{"Empowerment through choice and control", "Feeling in control of own recovery", "Taking ownership of recovery"},
		"The peer hands decisions back to the person, who takes charge of their recovery.", "syn-chime.empowerment",
		[]string{"For once it was my choice what we did.", "She never told me what to do, she asked what I wanted.", "I felt like I was in the driving seat."}},
		[]string{"Peer offers choices rather than instructions", "Non-directive support"},
		[]string{"Service user feels in control of decisions about their life", "The person takes responsibility for their own goals"},
		"syn-self-determination-theory.autonomy"},
	{concept{[]string{"Social connection", "Sense of belonging to a group", "Rebuilding social networks"},
		"Peer support reconnects the person with others and the community.", "syn-chime.connectedness",
		[]string{"I have made friends through the group.", "I felt like I belonged somewhere again.", "He introduced me to the allotment group."}},
		[]string{"Peer links the person with community groups", "Regular contact with a supportive group"},
		[]string{"Service user feels they belong", "The person feels less alone"},
		"syn-self-determination-theory.relatedness"},
	{concept{[]string{"Increased self-efficacy", "Confidence to manage own mental health", "Belief in own ability to cope"},
		"The person comes to believe they can manage their mental health and daily life.", "syn-social-learning-theory.self-efficacy",
		[]string{"I learned I could cope with more than I thought.", "Doing the bus journey on my own was a big thing.", "I started to believe in myself again."}},
		[]string{"Peer encourages small achievable steps", "Practical help to practise new skills"},
		[]string{"Service user believes they can manage", "The person gains confidence in their own abilities"},
		"syn-social-learning-theory"},
	{concept{[]string{"Feeling validated and understood", "Validation of feelings", "Being listened to without judgement"},
		"The peer listens and accepts the person's feelings as real and legitimate.", "",
		[]string{"She never judged me, whatever I told her.", "For the first time someone actually listened.", "He just got it."}},
		[]string{"Peer listens without judgement", "Empathy grounded in experience"},
		[]string{"Service user feels their experience is legitimate", "The person feels heard"},
		""},
	{concept{[]string{"Navigating barriers to services", "Help to access services", "Bridging between person and services"},
		"The peer helps the person find, reach and stay with the services they need.", "",
		[]string{"She helped me fill in the forms and phoned them for me.", "I would have given up on the referral without him.", "They explained how the system works."}},
		[]string{"Peer knows how services work from the inside", "Practical help with appointments and paperwork"},
		[]string{"Service user feels able to approach services", "The person stays engaged rather than dropping out"},
		"syn-experiential-knowledge.experiential-knowledge"},
	{concept{[]string{"Sense of purpose from helping others", "Helper benefit for peer workers", "Meaning through the peer role"},
		"Helping others gives the peer worker purpose and turns their experience into something useful.", "syn-chime.meaning",
		[]string{"Using what I went through to help someone else makes it mean something.", "This job gave me a reason to get up.", "Helping others helps me stay well."}},
		[]string{"Paid role that uses lived experience", "Opportunity to support others"},
		[]string{"Peer worker finds meaning in their own experience", "The peer feels valued and useful"},
		"syn-helper-therapy-principle.helper-benefit"},
	{concept{[]string{"Learning coping strategies from peers", "Sharing practical tips for managing symptoms", "Experiential learning about coping"},
		"The person learns practical ways of coping from someone who has used them.", "syn-social-learning-theory.observational-learning",
		[]string{"She showed me the breathing thing she does before appointments.", "They had tricks for dealing with the voices that actually worked.", "I picked up ideas from how he handled things."}},
		[]string{"Peer shares strategies that worked for them", "Demonstration of coping in everyday situations"},
		[]string{"Service user tries new ways of coping", "The person adopts strategies they have seen work"},
		"syn-social-learning-theory.observational-learning"},
	{concept{[]string{"Reduced power imbalance", "Mutuality and reciprocity", "Relationship of equals"},
		"The relationship with the peer feels more equal than with professionals.", "",
		[]string{"It did not feel like them and us.", "She was on my level.", "We were just two people talking."}},
		[]string{"Peer relates as an equal rather than an expert", "Reciprocal sharing"},
		[]string{"Service user feels respected as an equal", "The person feels less judged"},
		""},
	{concept{[]string{"Feeling safe to disclose", "Psychological safety", "Safe space to talk openly"},
		"The person feels safe enough to talk about things they have not told anyone.", "",
		[]string{"I told her things I had never told my psychiatrist.", "It felt safe to say how bad things really were.", "I did not worry about what would end up in my notes."}},
		[]string{"Confidential informal conversations", "Peer's own openness about difficulties"},
		[]string{"Service user discloses distress earlier", "The person talks openly about risk"},
		""},
	{concept{[]string{"Peer worker confidence through supervision", "Support for peer workers' own wellbeing", "Reflective space for peers"},
		"Good supervision helps peer workers manage the emotional demands of the role.", "",
		[]string{"Supervision stops me taking it all home.", "Talking it through with my supervisor keeps me well.", "Without that support I would have burnt out."}},
		[]string{"Regular supervision from someone who understands the role", "Peer network for peer workers"},
		[]string{"Peer worker feels supported and able to stay well", "The peer feels confident in their role"},
		"syn-self-determination-theory.competence"},
	{concept{[]string{"Staff recognise the value of lived experience", "Shift in team culture", "Clinicians learn from peer perspectives"},
		"Working alongside peers changes how clinical staff think about recovery.", "syn-normalisation-process-theory.reflexive-monitoring",
		[]string{"The team talk about people differently now.", "Staff started to use recovery language.", "They began to see me as a colleague."}},
		[]string{"Peer contributes to team discussions", "Everyday contact between peers and clinicians"},
		[]string{"Staff come to value experiential knowledge", "Clinicians become more recovery-oriented"},
		"syn-normalisation-process-theory"},
	{concept{[]string{"Positive identity beyond illness", "Rebuilding a sense of self", "Seeing oneself as more than a diagnosis"},
		"The person begins to see themselves as a person with strengths, not a patient.", "syn-chime.identity",
		[]string{"I am not just my diagnosis any more.", "I started to remember who I was before.", "She saw me as a person, not a case."}},
		[]string{"Peer focuses on strengths and interests", "Relationship that is not organised around illness"},
		[]string{"Service user develops a positive sense of self", "The person sees a future beyond illness"},
		"syn-chime.identity"},
}

// outcomeConcept adds an outcome's proximity and whether it is intended.
type outcomeConcept struct {
	concept
	proximity string
	intended  bool
}

var outcomeConcepts = []outcomeConcept{
	{concept{[]string{"Hope for recovery", "Increased hopefulness", "Optimism about the future"}, "Hope and optimism about recovery.", "syn-chime.hope",
		[]string{"I feel hopeful now, which I never did before."}}, "PROXIMAL", true},
	{concept{[]string{"Engagement with services", "Continued engagement with mental health services", "Uptake of treatment"}, "Attending, staying with and making use of services.", "",
		[]string{"I actually go to my appointments now."}}, "INTERMEDIATE", true},
	{concept{[]string{"Reduced self-stigma", "Less shame about mental health", "Reduced internalised stigma"}, "Less shame and self-blame about mental distress.", "syn-modified-labelling-theory.self-stigma",
		[]string{"I am not ashamed of it any more."}}, "PROXIMAL", true},
	{concept{[]string{"Empowerment", "Greater control over own life", "Increased autonomy"}, "The person feels in charge of their life and recovery.", "syn-chime.empowerment",
		[]string{"I make my own decisions now."}}, "INTERMEDIATE", true},
	{concept{[]string{"Social connectedness", "Wider social network", "Reduced loneliness"}, "More and better relationships and community ties.", "syn-chime.connectedness",
		[]string{"I have people I can ring now."}}, "INTERMEDIATE", true},
	{concept{[]string{"Self-efficacy", "Confidence", "Improved coping"}, "Belief in one's ability to manage.", "syn-social-learning-theory.self-efficacy",
		[]string{"I feel like I can handle things."}}, "PROXIMAL", true},
	{concept{[]string{"Personal recovery", "Recovery in the CHIME sense", "Living well with mental health problems"}, "A satisfying, hopeful and contributing life, with or without symptoms.", "",
		[]string{"I am living my life again."}}, "DISTAL", true},
	{concept{[]string{"Reduced readmission", "Fewer inpatient admissions", "Reduced use of crisis services"}, "Less use of acute and crisis care.", "",
		[]string{"I have not been back in hospital since."}}, "DISTAL", true},
	{concept{[]string{"Wellbeing", "Improved mental wellbeing", "Better quality of life"}, "General mental wellbeing and quality of life.", "",
		[]string{"Overall I just feel better in myself."}}, "DISTAL", true},
	{concept{[]string{"Positive identity", "Identity beyond diagnosis", "Restored sense of self"}, "A sense of self not defined by illness.", "syn-chime.identity",
		[]string{"I know who I am again."}}, "INTERMEDIATE", true},
	{concept{[]string{"Meaning and purpose", "Meaningful activity", "Return to education or employment"}, "Meaningful roles, goals and activity.", "syn-chime.meaning",
		[]string{"I have started volunteering two days a week."}}, "DISTAL", true},
	{concept{[]string{"Peer worker job satisfaction", "Peer worker wellbeing", "Retention of peer workers"}, "Peer workers find the role rewarding and stay in post.", "",
		[]string{"I love this job, honestly."}}, "INTERMEDIATE", true},
	{concept{[]string{"Recovery-oriented team culture", "Reduced stigma among staff", "Staff value lived experience"}, "The team's practice becomes more recovery-oriented.", "",
		[]string{"The whole ward feels different now."}}, "INTERMEDIATE", true},
	{concept{[]string{"Peer worker distress from disclosure", "Emotional burden on peer workers", "Peer worker burnout"}, "Sharing experience and carrying others' distress takes a toll on the peer.", "",
		[]string{"Some days it brings everything back for me."}}, "PROXIMAL", false},
	{concept{[]string{"Role drift of peer workers", "Peer role co-opted into clinical tasks", "Loss of peer identity"}, "Peer workers are drawn into clinical work and lose what made the role distinct.", "",
		[]string{"I ended up doing the job of a support worker."}}, "INTERMEDIATE", false},
}

// Qualifiers narrow a concept to a setting or group; a study draws its qualifiers from a few of
// these so its elements hang together.
var qualifiers = []string{
	"in community mental health teams", "on inpatient wards", "in schools", "in early intervention services",
	"online", "after discharge", "for young people", "for carers", "in rural areas", "in crisis services",
	"in primary care", "in forensic settings", "for people from minority ethnic groups", "in university settings",
	"in homelessness services", "in perinatal services",
}

// Sentences anyone might say in an interview, to pad quotes to length.
var fillerSentences = []string{
	"It took a while, to be honest.", "That made a real difference to me.", "I did not expect that at all.",
	"You know, at first I was sceptical about the whole thing.", "It was hard at the beginning.",
	"I think that is the main thing really.", "Looking back now, I can see how much it helped.",
	"It is difficult to put into words.", "I would recommend it to anyone in my position.",
	"Not everyone on the team felt the same way, mind.", "Things were very different before all this.",
	"I remember that conversation clearly.", "That is what I keep coming back to.",
	"It was not always easy, there were bad weeks too.", "My family noticed the change before I did.",
}

// Short fillers top a quote up to its minimum length without passing its maximum.
var shortFillers = []string{"I mean it.", "Honestly.", "It really did.", "That was it, really.", "You know?", "Definitely."}

var surnames = []string{
	"Gillard", "Thompson", "Okafor", "Nguyen", "Patel", "Kowalski", "Murphy", "Schmidt", "Haddad", "Rossi",
	"Andersson", "Mbeki", "Tanaka", "Fernandes", "O'Brien", "Singh", "Johansson", "Dubois", "Walker", "Ibrahim",
	"Kim", "Lopez", "Novak", "Hughes", "Osei", "Chen", "Moreau", "Bianchi", "Evans", "Ahmed",
	"Kaur", "Jansen", "Petrov", "Sato", "Mensah", "Campbell", "Larsen", "García", "Byrne", "Wilson",
}

var initials = []string{"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Y"}

var journals = []string{
	"Epidemiology and Psychiatric Sciences", "BMC Psychiatry", "Psychiatric Services", "Journal of Mental Health",
	"Health and Social Care in the Community", "BMJ Open", "International Journal of Mental Health Nursing",
	"Psychiatric Rehabilitation Journal", "Discover Mental Health", "Social Psychiatry and Psychiatric Epidemiology",
	"Community Mental Health Journal", "Child and Adolescent Mental Health",
}

var countries = []string{"UK", "UK", "UK", "Australia", "USA", "Canada", "Ireland", "Netherlands", "New Zealand", "Sweden", "Germany", "South Africa"}

var serviceTypes = []string{
	"NHS community mental health team", "Early Intervention in Psychosis service", "Inpatient acute ward",
	"Charitable organisation", "Secondary school", "University counselling service", "Crisis house",
	"Recovery college", "Child and adolescent mental health service", "Online peer support community",
	"Homelessness outreach service", "Perinatal mental health service",
}

var places = []string{"Birmingham", "London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff", "Melbourne", "Toronto", "Dublin", "Utrecht", "Auckland"}

var modalities = []string{"face to face", "online", "one-to-one", "group"}

var interventions = []string{
	"peer support", "peer support work", "peer mentoring", "peer-led groups", "peer navigation",
	"online peer support", "intentional peer support", "peer-delivered self-management",
}

var populationPhrases = map[string][]string{
	"CHILDREN":     {"children", "children and families", "primary school children"},
	"YOUNG_PEOPLE": {"young people", "young adults", "adolescents", "students"},
	"ADULTS":       {"adults with severe mental illness", "adults using mental health services", "people with psychosis", "adults after discharge"},
	"MIXED":        {"service users and carers", "people of all ages", "families"},
}

var designPhrases = map[string][]string{
	"REALIST_EVALUATION": {"A realist evaluation of", "How does %s work? A realist evaluation of", "Realist evaluation of"},
	"REALIST_REVIEW":     {"A realist review of", "A realist synthesis of", "Realist review of"},
	"GROUNDED_THEORY":    {"A grounded theory study of", "Developing a theory of"},
	"THEMATIC_ANALYSIS":  {"Experiences of", "A qualitative study of", "Perspectives on"},
	"TRIAL":              {"A randomised controlled trial of", "A pilot trial of", "Process evaluation of a trial of"},
	"OTHER":              {"A mixed-methods study of", "A case study of", "Implementing"},
}

var sources = []string{"Fig. %d", "Table %d", "Results, theme %d", "Discussion, p. %d"}

var reviewers = []string{"synth-reviewer-a", "synth-reviewer-b", "synth-reviewer-c"}

var caveats = []string{
	"May not be triggered where peers are subsumed by clinical systems.",
	"Depends on the peer having sufficient distance from their own crisis.",
	"Reported by staff only; service users' views not sought.",
	"Weaker where contact is brief or one-off.",
	"Evidence from a single site.",
}

// choice is a value with its relative weight.
type choice struct {
	v string
	w float64
}

var framingWeights = []choice{
	{"REALIST_EVALUATION", 35}, {"REALIST_REVIEW", 15}, {"THEMATIC_ANALYSIS", 20},
	{"GROUNDED_THEORY", 10}, {"TRIAL", 10}, {"OTHER", 10},
}

var populationWeights = []choice{{"ADULTS", 50}, {"YOUNG_PEOPLE", 20}, {"CHILDREN", 10}, {"MIXED", 20}}

// informantOdds is how often a study draws on each informant group, in the enum's order.
var informantOdds = []choice{{"SERVICE_USERS", 0.8}, {"PEER_WORKERS", 0.5}, {"STAFF", 0.45}, {"CARERS", 0.15}}

var actorWeights = []choice{
	{"SERVICE_USER", 55}, {"PEER_WORKER", 20}, {"STAFF", 12}, {"CARER", 5}, {"ORGANISATION", 6}, {"COMMUNITY", 2},
}

// Status depends on how far a programme theory has been tested.
var statusByStage = map[string][]choice{
	"INITIAL":      {{"PROPOSED", 75}, {"SUPPORTED", 15}, {"REFINED", 5}, {"REFUTED", 5}},
	"REFINED":      {{"SUPPORTED", 55}, {"REFINED", 25}, {"PROPOSED", 10}, {"REFUTED", 7}, {"RETIRED", 3}},
	"FINAL":        {{"SUPPORTED", 60}, {"REFINED", 25}, {"PROPOSED", 5}, {"REFUTED", 7}, {"RETIRED", 3}},
	"CHANGE_MODEL": {{"PROPOSED", 50}, {"SUPPORTED", 40}, {"REFUTED", 10}},
}

var revisionWords = map[string]string{"REWORD": "the rewording", "SPLIT": "the splitting", "MERGE": "the merging", "REFUTE": "the refutation"}

var revisionWeights = []choice{{"REWORD", 40}, {"SPLIT", 30}, {"MERGE", 15}, {"REFUTE", 15}}

var stanceWeights = []choice{{"SUPPORTS", 80}, {"REFINES", 12}, {"REFUTES", 8}}

// A quote evidencing a refuted CMOC mostly refutes it.
var stanceWeightsRefuted = []choice{{"REFUTES", 60}, {"SUPPORTS", 25}, {"REFINES", 15}}

var ratingWeights = []choice{{"HIGH", 35}, {"MEDIUM", 45}, {"LOW", 20}}

// participantPrefix is how papers label a speaker of each informant group.
var participantPrefix = map[string]string{"SERVICE_USERS": "P", "PEER_WORKERS": "PW", "STAFF": "S", "CARERS": "C"}

var informantWords = map[string]string{"SERVICE_USERS": "service users", "PEER_WORKERS": "peer workers", "STAFF": "staff", "CARERS": "carers"}

var stageName = map[string]string{
	"INITIAL": "Initial programme theory", "REFINED": "Refined programme theory",
	"FINAL": "Final programme theory", "CHANGE_MODEL": "Change model",
}

var framingPhrase = map[string]string{
	"REALIST_EVALUATION": "A realist evaluation", "REALIST_REVIEW": "A realist review",
	"GROUNDED_THEORY": "A grounded theory study", "THEMATIC_ANALYSIS": "A qualitative study with thematic analysis",
	"TRIAL": "A randomised controlled trial with a process evaluation", "OTHER": "A mixed-methods study",
}

var conclusions = []string{
	"Services should protect the distinctive contribution of peer workers.",
	"Supervision and organisational readiness shape whether peer support works.",
	"Shared lived experience is central to how peer support produces hope and connection.",
	"Programme theories of peer support should attend to context at several levels.",
}
