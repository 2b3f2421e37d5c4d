"""Pages of the consent app, one module per audience and task: `portal_login` (the
e-mail link login), `portal` (decide, withdraw, object, history, export), `rounds` (the
overview, coverage, rounds and paper letters handed over) and `staff` (a child's consent
page, paper decisions, told withdrawals, notices, objections, export). Thin: permission
helper → form → one service → redirect with a message."""
