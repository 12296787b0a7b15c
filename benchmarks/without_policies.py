"""The survey server with its policies taken out: how low its submission paths could go by trimming.

Not a server to run: a measuring stick for `submission_instructions.py --floor` (benchmarks/
README.md). Everything the app does on a submission besides what the issue's target is about is
removed, so what is left is the app's own path from request to stored row to reply:

- every before-, after- and teardown-request hook: the CSRF check, the rate limiters' hooks, the
  permission check, Flask-Login's and Flask-Compress' hooks, the 405 fix;
- the security-headers middleware;
- the rate-limit count of the two submission paths (`ratelimits.hit`);
- the whole-response check (`check_answers`): the answers are stored as sent, unchecked.

What remains: Flask's request machinery, the session cookie and the journey (form path), reading
the body or the form, the page's own check (form path), the collection's state, the insert and
its commit, the reply. If this executes more instructions than 0.70x of the bare endpoint allows,
no trimming of the policies reaches the target.
"""
from __future__ import annotations

from survey import ratelimits
from survey.questionnaires.answers import Checked
from survey.responses import intake
from survey.security import SecurityHeaders
from wsgi import app

app.before_request_funcs.clear()
app.after_request_funcs.clear()
app.teardown_request_funcs.clear()
if isinstance(app.wsgi_app, SecurityHeaders):
    app.wsgi_app = app.wsgi_app.wsgi_app
ratelimits.hit = lambda *args, **kwargs: None
intake.check_answers = lambda definition, raw: Checked(answers=dict(raw))
