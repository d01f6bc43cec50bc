package jobs

import (
	"encoding/json"
	"fmt"
)

// jsonObject marshals a map of plain values.
func jsonObject(v map[string]any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("jobs: marshal event data: %v", err)) // only plain values reach here
	}
	return b
}
