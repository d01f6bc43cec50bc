package metrics_test

import (
	"testing"

	"github.com/petstore/petstore/internal/store/storetest"
)

// TestMain runs the tests on a PostgreSQL cluster of their own when
// PETSTORE_TEST_ENGINE=postgres (see internal/pgtest).
func TestMain(m *testing.M) { storetest.Main(m) }
