// Parley's browser app: a single page with hash routes, talking to the server
// as docs/protocol.md describes (JSON over HTTP, one websocket at /ws). The
// server is the authority: this file renders what it is sent and never
// computes a score.
//
// Routes
//   (signed out)         sign in              <main data-state="login">, in place of any route but
//                                             #/login and #/link/…; back to that route once signed in
//   #/login              sign in              <main data-state="login"> (signed in: on to #/)
//   #/link/{token}       one-time link        <main data-state="link">: choose a password (setup,
//                                             invite or reset); then signed in, the token replaced
//                                             in the address by #/ (or #/admin/accounts, #/cohorts)
//   #/                   catalog              <main data-state="catalog">, for trainees and trainers;
//                                             home page for other roles <main data-state="home">
//   #/account            your account         <main data-state="account"> (#/name comes here too)
//   #/admin/accounts     accounts (admins)    <main data-state="accounts">
//   #/s/{scenarioId}     briefing             <main data-state="briefing">
//   #/a/{attemptId}      conversation         <main data-state="conversation">
//   #/a/{id}/debrief     debrief              <main data-state="debrief">
//   #/a/{id}/debrief?turn=N   the debrief, with the focus on turn N; someone else's attempt
//                                             (a reviewer following the trainee's address) goes to #/review/{id}
//   #/cohorts            cohorts (managers, admins)  <main data-state="cohorts">: the list and a new one
//   #/cohorts/{id}       a cohort             <main data-state="cohort">: review table, assignments, trainees
//   #/review/{attemptId} attempt review       <main data-state="review">: the debrief read only, with
//                                             comments (?cohort=&trainee= for the way back; ?turn=N)
//   #/trainees/{userId}  a trainee            <main data-state="trainee">: attempts and trends (?cohort=)
//   #/cohorts/{id}/scenarios/{scenario}       <main data-state="heatmap">: the cohort's heat-map
//   #/watch/{attemptId}  watch a call live    <main data-state="watch"> (?cohort=&trainee=)
//   anything else        not found / errors   <main data-state="error"> with #problem[data-code]
//                                             (not_found, forbidden: a role the user lacks, link_invalid,
//                                             not_yours; still_active: a review of a call still going)
//   <main> carries data-state="loading" while a view fetches its data.
//   Any API answer or websocket error login_required shows the sign-in page (keeping the address).
//
// Test hooks (stable ids and data-* attributes for browser tests)
//   Everywhere    <main id="main" data-state="…"> (see Routes); skip link #skip-link.
//   Header        #nav-scenarios (trainees, trainers), #nav-cohorts (managers, admins),
//                 #nav-accounts (admins), #user-slot (signed in)
//                 with a#nav-account ("Your account", holding #user-avatar and #user-name) and
//                 button#sign-out
//   Notices       #conn-status (role=status: "Reconnecting…" while the socket is down),
//                 #notice (role=status: errors and information, with a dismiss button)
//   Forms         each field #X has its label, #X-help when it has help, and #X-error (role=alert);
//                 an invalid field has aria-invalid="true" and names its error in aria-describedby
//   Sign in       #login-form, #login-username, #login-password, #login-submit, #login-error
//                 (role=alert, named by both fields' aria-describedby when they are wrong),
//                 #login-reason (why: signed out, session ended)
//   Link          #link-panel[data-purpose=setup|invite|reset], #link-form, #link-password,
//                 #link-confirm, #link-submit, #link-error
//   Account       #account-username, #account-roles; #name-form, #name-input, #name-save,
//                 #name-status (role=status); #password-form, #password-current, #password-new,
//                 #password-confirm, #password-save, #password-status (role=status), #password-error
//   Home          #home (no catalog: what the user's roles can do), [data-role] items, a#home-accounts,
//                 a#home-cohorts
//   Accounts      #accounts-status (role=status), table#accounts-table with
//                 tr[data-testid=account][data-username][data-status=active|no-password|disabled]
//                 [data-roles][data-me] holding [data-testid=account-name] and buttons
//                 [data-action=roles|link|disable|enable];
//                 dialog#roles-dialog (checkboxes #role-edit-{role}, #roles-save, #roles-cancel,
//                 #roles-dialog-error), dialog#disable-dialog (#disable-confirm, #disable-cancel,
//                 #disable-dialog-error), dialog#link-dialog (#link-make, then input#new-link
//                 with #new-link-copy, #link-done);
//                 #add-form: #add-username, #add-name, #add-role-{role}, #add-submit, #add-error;
//                 #add-result with input#add-link (the invitation) and #add-link-copy;
//                 #legacy (when there are users from before accounts): table#legacy-table with
//                 tr[data-testid=legacy][data-legacy-id] holding select#assign-{id} and
//                 button[data-action=assign]; dialog#assign-dialog (#assign-confirm)
//   Catalog       #claim[data-legacy-id] (when /api/me has legacy) with #claim-accept, #claim-dismiss;
//                 #assignments (first, when the trainee has any) with
//                 [data-testid=assignment][data-scenario-id][data-cohort-id][data-status][data-overdue]
//                 holding .due[data-overdue] and a.assignment__start[data-action=start|continue];
//                 [data-testid=scenario-card][data-scenario-id] with its start link a.start#start-{id};
//                 #attempts section; [data-testid=attempt][data-attempt-id][data-status] holding
//                 a[data-action=resume] or a[data-action=debrief]; #show-all-attempts when over 8;
//                 a practice run's row has data-practice="true" and a .tag-practice label
//   Briefing      #briefing, #begin, #back-to-catalog, #mood (starting mood meters),
//                 [data-testid=competency][data-competency][data-pass]
//   Conversation  #call[data-connected="true"|"false"][data-turn][data-last-seq]
//                 #transcript (role=log, aria-live=polite) of [data-testid=line][data-who=client|me|interjection|note]
//                   (a "me" line also has data-reply-id; class is-sending until the server confirms it)
//                 #typing (role=status; has data-active while the client is "typing")
//                 #reply-panel[data-mode=connecting|waiting|replies|sending|ended]
//                 #replies-heading (h2, tabindex=-1): where the focus goes once the client has
//                   spoken (never onto a reply, WCAG 2.1.4)
//                 #skip (only while typing: shows the rest at once; Escape does the same)
//                 #replies (ol, named by the heading) > li > button[data-reply-id][data-index]
//                   (1-based; keys 1–9 choose while the focus is in #reply-panel and the
//                   number keys are on)
//                 #number-keys (checkbox: number keys on/off, kept in localStorage)
//                 #call[data-practice="true"] and #practice-banner (with a#practice-source) for a practice run
//                 #call-brief: button#brief-toggle[aria-expanded][aria-controls=call-brief-body],
//                   #call-brief-body with the briefing and [data-testid=brief-competency][data-competency]
//                 #mood > [data-testid=mood-meter][data-mood][data-value][data-band], each with a
//                   [role=meter] (aria-valuenow/min/max/valuetext) and .meter__change ("annoyed → calming down")
//                 #give-up, then dialog#give-up-dialog with #give-up-confirm and #give-up-cancel
//                 #call-ended (once the call is over) with #see-debrief
//                 #watchers (role=status): "NAME is watching this call" while someone watches,
//                   empty once no one does; #call[data-watched=true|false]
//   Debrief       #debrief[data-outcome][data-status][data-complete][data-success][data-practice],
//                 #ending-title (the headline), #debrief-summary, #practice-banner (practice runs),
//                 #decided with [data-testid=decisive][data-name][data-value] ("What decided the ending"),
//                   whose dd.decided__none[data-empty] says "None yet" / "None" for an empty value,
//                 [data-testid=score][data-competency][data-score][data-pass][data-passed][data-blocked],
//                 #mood-misleads (when the mood meter and the ending disagree),
//                 #mood-chart (figure with an SVG and a visually-hidden table),
//                 [data-testid=turn][data-turn][data-on-ideal][data-verdict] (li#turn-N) with
//                   .verdict ("✓ Followed: …"), .turn__ideal[data-kind=stronger|best_left],
//                   [data-testid=closed][data-turn] with a.turn-link, and
//                   button[data-action=practice][data-turn] ("Practise from here"; data-error-status
//                   when the server refused),
//                 #try-again (to the briefing), #back-home;
//                 #debrief[data-mode=trainee|review]; the reviewers' comments: #reviewer-notes
//                 (turn 0) and, in a turn, [data-testid=comments][data-turn] holding
//                 [data-testid=comment][data-comment-id][data-turn] (.comment__author, .comment__body);
//                 #share: #share-form, #share-username, #share-submit, #share-error, then
//                 #share-result with input#share-link
//   Cohorts       #cohort-new-form: #cohort-name, #cohort-create, #cohort-new-error;
//                 [data-testid=cohort][data-cohort-id] cards
//   Cohort        #cohort[data-cohort-id], #cohort-status (role=status), a#export-csv;
//                 #review-empty, or the region .table-scroll (named by the table's caption) with
//                 table#review-table: th[aria-sort] with button.sort[data-sort=name|{scenario}],
//                 tr[data-testid=review-row][data-trainee][data-username] holding
//                 a[data-testid=trainee-link] and td[data-testid=review-cell][data-scenario][data-status]
//                 (.res[data-competency][data-best][data-latest][data-first][data-pass]
//                 [data-best-passed][data-latest-passed], [data-testid=too-fast], [data-testid=change],
//                 a[data-action=review], a[data-action=watch]); tfoot [data-testid=average][data-scenario]
//                 with a[data-action=heatmap];
//                 [data-testid=assigned][data-scenario] with a[data-action=heatmap],
//                 button[data-action=edit|unassign]; #assign-form: #assign-scenario (a select, or the
//                 id typed by a manager who cannot read the scenarios), #assign-due (a date: the end of
//                 that day in UTC is sent), #assign-marks (inputs [data-competency]), #assign-submit,
//                 #assign-error; dialog#edit-dialog (#edit-due, #edit-mark-{competency}, #edit-save),
//                 dialog#unassign-dialog (#unassign-confirm);
//                 table#members-table tr[data-testid=member][data-user-id][data-username] with
//                 button[data-action=remove], dialog#remove-member-dialog (#remove-member-confirm);
//                 #invite-form: #invite-username, #invite-name, #invite-submit, #invite-error;
//                 #invite-result[data-new] with input#invite-link when the person is new
//   Trainee       #trainee[data-user-id]; [data-testid=trend][data-competency] (a figure: an SVG
//                 role=img with its pass marks .chart__pass, and a visually hidden table);
//                 table#trainee-attempts and table#trainee-practice with
//                 tr[data-testid=trainee-attempt][data-attempt-id][data-status][data-practice] holding
//                 .score-chip[data-competency][data-score][data-passed] and a[data-action=review|watch]
//   Heat-map      #heatmap[data-scenario]; #wrong with [data-testid=costly][data-node][data-reply];
//                 [data-testid=node][data-node][data-visits] (li#node-{node}) holding
//                 [data-testid=heat-reply][data-reply][data-chosen][data-lost];
//                 #endings [data-testid=ending][data-ending][data-reached];
//                 #stopped [data-testid=stopped][data-node][data-stopped]
//   Watch         #watch[data-connected][data-status=connecting|active|finished|given_up|abandoned]
//                 [data-turn][data-attempt]; #transcript as in the conversation (a "me" line is the
//                 trainee's); #mood; #watch-status; #watch-ended with a#watch-review
//   Review        the debrief's hooks (above), with #debrief[data-mode=review], a#back-to-cohort,
//                 #call-comments; each thread [data-testid=comments][data-turn] holds its comments,
//                 button[data-action=comment][data-turn] (turns) and
//                 form[data-testid=comment-form][data-turn] with textarea#comment-N, #comment-N-submit,
//                 #comment-N-error (role=alert), #comment-N-status (role=status)
//
// Modules (each starts with what it owns and what it must not do)
//   app.js         this entry point: boot, and the views handed to the router
//   state.js       the shared `app` object (one copy of the state every module reads)
//   api.js         fetch wrapper and ApiError (HTTP only)
//   router.js      hash routes, mount() into <main>, loading/problem screens, the header
//   notices.js     #conn-status and #notice
//   shared.js      badges, names, the practice-run markers several views show, the roles, an
//                  assignment's progress and due date, durations
//   forms.js       fields with their errors, password fields, alerts, copy fields, dialogs
//   auth.js        the sign-in page, the one-time link page, and signing out
//   account.js     your account: display name and password
//   home.js        the home page of someone whose roles do not practise
//   admin.js       the Accounts page (admins)
//   catalog.js     scenarios, the attempt list and the claim of practice from before accounts
//   assignments.js the trainee's assignments, first in the catalog
//   cohorts.js     the cohorts list and a cohort's page: members, assignments, the review's place
//   review.js      the cohort's review table (trainees × assignments, sorting)
//   attemptreview.js  a reviewer's attempt review: the debrief read only, with comments
//   comments.js    comments on an attempt's turns, and sharing a debrief
//   trainee.js     the trainee view: their attempts and a trend per competency
//   heatmap.js     the cohort's heat-map of a scenario
//   watch.js       watching a call live, read only
//   briefing.js    the briefing view, and the briefing panel used during the call
//   call.js        the conversation view: transcript, replies, keys, focus
//   session.js     the protocol frames and the seq of what is sent (and who is watching)
//   socket.js      the websocket: connect, reconnect with backoff, going_away (the call's and a watcher's)
//   pacing.js      the typing indicator and the pacing of the client's lines
//   transcript.js  transcript items and their bubbles
//   mood.js        mood meters and the wording of mood changes
//   debrief.js     the debrief (the trainee's, and read only for a reviewer) and practice runs
//   chart.js       the debrief's mood chart and the trainee view's trends; dom.js  the DOM helpers


import { app } from './state.js';
import { api, onLoginRequired } from './api.js';
import { notify } from './notices.js';
import { route, updateUser, registerViews, signedOut } from './router.js';
import { renderLogin, renderLink, signOut } from './auth.js';
import { renderAccount } from './account.js';
import { renderHome } from './home.js';
import { renderAccounts } from './admin.js';
import { renderCatalog } from './catalog.js';
import { renderBriefing } from './briefing.js';
import { renderConversation } from './call.js';
import { renderDebrief } from './debrief.js';
import { renderCohorts, renderCohort } from './cohorts.js';
import { renderReview } from './attemptreview.js';
import { renderTrainee } from './trainee.js';
import { renderHeatmap } from './heatmap.js';
import { renderWatch } from './watch.js';

// boot finds out who is signed in, then routes on every change of address.
async function boot() {
  try {
    app.me = await api('/api/me', { quiet: true });
  } catch (err) {
    app.me = null;
    if (err.code === 'network') notify(err.message, 'error');
  }
  updateUser();
  registerViews({
    login: renderLogin, link: renderLink, account: renderAccount, home: renderHome, accounts: renderAccounts,
    catalog: renderCatalog, briefing: renderBriefing, conversation: renderConversation, debrief: renderDebrief,
    cohorts: renderCohorts, cohort: renderCohort, review: renderReview,
    trainee: renderTrainee, heatmap: renderHeatmap, watch: renderWatch,
  });
  onLoginRequired(() => signedOut());
  document.getElementById('sign-out').addEventListener('click', signOut);
  // The skip link moves the focus to <main> without touching the address
  // (a hash of "#main" would be a route).
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    const main = document.getElementById('main');
    main.focus();
    main.scrollIntoView();
  });
  // hashchange covers links; popstate covers Back/Forward between addresses set
  // with pushState/replaceState (which fire no hashchange). Both may fire for
  // one change, so route only when the address differs from the one drawn.
  const onNav = () => { if (location.hash !== app.routedHash) route(); };
  window.addEventListener('hashchange', onNav);
  window.addEventListener('popstate', onNav);
  route();
}

boot();
