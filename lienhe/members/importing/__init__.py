"""The member/organization import, by part: `columns` (headers and mapping), `cells`
(cell parsers), `plan` (what an import would do), `members` (member rows and their
commit), `rawsql` (the fast insert path for large imports), `orgs` (the organization
tree). Entry points: `lienhe.members.importers` (analyze, commit)."""
