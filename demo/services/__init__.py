"""Demo data: `seed_demo` fills an empty board with employers, postings and applicants, the same for a seed.

Import from the module that names the part:

- `seed`: `demo_seed`, the whole run in one transaction, and the random streams each part draws from;
- `employers`: employers and their owners;
- `postings`: postings with their credential requirements, generated in chunks and loaded with COPY;
- `applicants`: job seekers with profiles and the credentials they hold;
- `common`: what the parts share (`DemoDataExists`, the weighted draw).
"""
