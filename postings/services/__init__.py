"""Every write to a posting, one function per transition. Views, admin actions, tasks and commands call these.

Import from the module that names the part:

- `workflow`: a posting's life cycle (submit, publish, fill, close, renew, expire);
- `editing`: a posting's content (create, update, duplicate), from the dashboard form or the import;
- `moderation`: a moderator's approval, rejection or request for changes;
- `reminders`: the "still open?" emails before a posting expires, and their signed links;
- `reports`: visitors' reports of a posting, and a moderator's answer;
- `counters`: page views, counted in Redis and added to the postings in batches.
"""
