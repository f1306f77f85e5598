"""Every write of the applicants app and its side effects. Views, admin actions and tasks call these.

Import from the module that names the part:

- `profiles`: an applicant's profile, the credentials they hold and the resume on their profile;
- `applications`: applying (on the board, or a click to the employer's site), withdrawing, the employer's
  review (status changes, notes, the decision emails and their wording) and the team's digest of new
  applications;
- `saved`: saved jobs;
- `privacy`: the applicant's copy of their data, account deletion, and the retention of resumes sent with
  applications.

Resume files themselves (what we accept, naming, storing, serving) are in `applicants.resumes`.
"""
