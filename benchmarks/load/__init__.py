"""The workshop load test (issue 6): 30 participants and a facilitator on one app server, then
on two behind nginx, all against one PostgreSQL, all on 127.0.0.1.

For each server count (:mod:`~benchmarks.load.scenario`):

1. A throwaway PostgreSQL (:mod:`tests.support.pgserver`) and a workshop on it with every
   option and criterion of the shipped catalog.
2. The app servers, started as ``policybench serve --host 127.0.0.1 --port P`` does, with
   ``POLICYBENCH_DATABASE_URL`` pointing at that PostgreSQL; with two, nginx in front
   (:mod:`~benchmarks.load.nginx`: deploy/nginx.conf as it is, only its ``# test:`` lines
   changed): TLS, websocket upgrade, sticky sessions by cookie.
3. A facilitator page per app server, and the participants (:mod:`~benchmarks.load.clients`),
   each a client speaking Streamlit's websocket protocol as a browser tab does. Besides moving
   weights and submitting, each challenges one to three scores through the page's form
   (:mod:`~benchmarks.load.plan`, :mod:`~benchmarks.load.challenging`); in the middle of the
   window the facilitator locks, reveals and opens round 2 on its page
   (:mod:`~benchmarks.load.rounds`), and the participants go on in round 2.
4. Measured over the steady window: time from a weight change to the updated ranking, from a
   submit to "Saved", from a challenge to "Challenge saved", the joins, the facilitator's
   steps; errors (a dropped connection, a run that did not finish, an ``st.error`` or
   exception on the page, a submit or challenge not confirmed, a quote shown verified when
   the catalog's own check says otherwise or the reverse, a ranking that differs from
   policybench's own for those weights, :mod:`~benchmarks.load.expected`); server RSS; CPU of
   the app servers, PostgreSQL, nginx and this load generator (:mod:`benchmarks.system`).
5. Afterwards (:mod:`~benchmarks.load.checks`): every participant's stored submission in each
   round must be exactly the weights and revision their page last confirmed in that round
   (none lost, none in the wrong round), every challenge their page confirmed must be stored
   as last confirmed, and every facilitator page must show the current round's submissions
   and the group ranking that policybench computes from the store.

:mod:`~benchmarks.load.run` runs it and :mod:`~benchmarks.load.report` writes the ``# Load``
section of RESULTS.md (the raw figures go to tests/artifacts/load.json).
"""
