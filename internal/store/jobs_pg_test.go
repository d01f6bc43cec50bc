package store

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The PostgreSQL forms in jobs_pg.go are written by hand from the SQLite
// statements they stand for. When one of those changes, this test fails
// until its PostgreSQL form has been brought along and the hash below
// updated (PETSTORE_TEST_ENGINE=postgres runs the store tests on it).
func TestPostgresFormsFollowSQLite(t *testing.T) {
	forms := map[string]string{
		"sqlFailLapsed": sqlFailLapsed, "sqlClaimDone": sqlClaimDone, "sqlFail": sqlFail, "sqlExtend": sqlExtend,
		"sqlNextRunAt": sqlNextRunAt, "findPetSQL": findPetSQL, "claimSQL": claimSQL([]string{"a", "b"}),
	}
	want := map[string]string{
		"sqlFailLapsed": "db4278d9e271", "sqlClaimDone": "593387ebed8b", "sqlFail": "b40e7ec8fc3c", "sqlExtend": "05289e3dd41f",
		"sqlNextRunAt": "ceee6fea11d0", "findPetSQL": "beb054302763", "claimSQL": "15d09459f081",
	}
	for name, q := range forms {
		sum := sha256.Sum256([]byte(q))
		if got := hex.EncodeToString(sum[:6]); got != want[name] {
			t.Errorf("the SQLite form of %s changed (hash %s): update its PostgreSQL form in jobs_pg.go, then the hash here", name, got)
		}
	}
	if len(pgQueueSQL) != len(forms)-1 {
		t.Errorf("%d PostgreSQL forms, %d checked here: add the new one", len(pgQueueSQL), len(forms)-1)
	}
}
