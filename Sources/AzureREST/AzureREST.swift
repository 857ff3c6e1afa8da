// The ARM client arrives with the restore issue (credential chain, retries, long-running
// operations, paging, blob download, live inventory). Nothing here yet.
