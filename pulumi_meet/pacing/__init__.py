"""Pacing: stay under Meet's per-user and per-project quotas instead of running into them.

The room of its own for everything that decides *when* a call may be sent (the client layer
decides *how*):

- `pulumi_meet.pacing.quota` — the quota table: Meet's buckets (create, write, read), their
  config keys and Google's defaults, and whose project a call spends. Imports nothing of
  pulumi-meet, so `Settings` can take its fields from it.
- `pulumi_meet.pacing.window` — the window limiter: one process's sliding-window count of one
  bucket of one user or project.
- `pulumi_meet.pacing.ledger` — the ledger interface (`Ledger`: admit / finish / forget) and
  `meet:quotaLedger`'s three kinds: none (``off``), a machine's SQLite file
  (`pulumi_meet.pacing.sqlite_ledger`), a Redis shared by machines
  (`pulumi_meet.pacing.redis_ledger`).
- `pulumi_meet.pacing.pacer` — the pacer: admits each call against both limiters and the ledger
  at once, owners taking turns at the project's limit, waits said through
  `pulumi_meet.client.progress`.

None of them keeps a cache of its own: the limiters (`window.Limiters`), the pacer
(`pacer.Pacer`) and the open ledgers (`ledger.Ledgers`) a process shares are held by its client
state (`pulumi_meet.client.state.ClientState`).

Imports run one way: quota <- window <- pacer -> ledger <- sqlite_ledger / redis_ledger; the
settings import the quota table and the ledger's setting check, never the reverse.
"""
