"""The pages of the employer area.

- `public`: an employer's public page (/employers/<slug>/).
- `base`: the one access check of the employer area (/employer/<slug>/...) and helpers its pages share.
- `dashboard`: organisations, their postings, imports and "still open?" links.
- `team`: members and invitations.
- `review`: the review of applicants (/employer/<slug>/applicants/...), and the addresses it had before.
"""
