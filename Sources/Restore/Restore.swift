// Recovery-point backends, the journal, preflight checks and rehearsal planning arrive with the
// restore and check issues. Nothing here yet.
