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
   each a client speaking Streamlit's websocket protocol as a browser tab does.
4. Measured over the steady window: time from a weight change to the updated ranking, from a
   submit to "Saved", the joins; errors (a dropped connection, a run that did not finish, an
   ``st.error`` or exception on the page, a submit not confirmed, a ranking that differs from
   policybench's own for those weights, :mod:`~benchmarks.load.expected`); server RSS; CPU of
   the app servers, PostgreSQL, nginx and this load generator (:mod:`benchmarks.system`).
5. Afterwards: every participant's stored submission must be exactly their last confirmed
   weights at their last confirmed revision ("none lost"), and every facilitator page must
   show every submission and the group ranking that policybench computes from the store.

:mod:`~benchmarks.load.run` runs it and :mod:`~benchmarks.load.report` writes the ``# Load``
section of RESULTS.md (the raw figures go to tests/artifacts/load.json).
"""
