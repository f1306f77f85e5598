"""Every write of job alerts. Views, admin actions, tasks and commands call these.

Import from the module that names the part:

- `subscriptions`: signed links, subscribing (double opt-in, rate limits), confirming, pausing, resuming,
  frequency, renaming, unsubscribing, deleting, and purging old requests and unsubscribed alerts;
- `ledger`: matching into the delivery ledger (`alerts_match_posting` on publish, `alerts_match_due` for
  digests and the instant safety net), and marking postings matched; the SQL itself is `alerts.matching`;
- `delivery`: claiming the ledger's rows and sending them, exactly once per (alert, posting)
  (`alerts_deliver`, `alerts_deliver_pending`), and the email itself (`alert_message`).
"""
