package replicas_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A gateway node long-polling one replica for its configuration is answered as soon as a change
// commits through the other replica, well before its wait ends.
func TestNodeLongPollWakesOnOtherReplicasCommit(t *testing.T) {
	ctx := context.Background()
	replicas := startReplicas(t, filepath.Join(t.TempDir(), "shared.db"), 2)
	admin := adminCaller()
	cp, err := admin.want(ctx, replicas[0], http.MethodPost, "/v2/control-planes", `{"name":"polled"}`, http.StatusCreated)
	if err != nil {
		t.Fatal(err)
	}
	path := "/v2/control-planes/" + str(cp["id"]) + "/node-config"
	current, err := admin.want(ctx, replicas[0], http.MethodGet, path, "", http.StatusOK)
	if err != nil {
		t.Fatal(err)
	}

	type reply struct {
		a   answer
		err error
	}
	replied := make(chan reply, 1)
	go func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, replicas[0]+path+"?wait=60", nil)
		if err != nil {
			replied <- reply{err: err}
			return
		}
		req.Header.Set("Authorization", "Bearer "+adminToken)
		req.Header.Set("If-None-Match", strconv.Quote(str(current["config_hash"])))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			replied <- reply{err: err}
			return
		}
		_ = res.Body.Close()
		replied <- reply{a: answer{status: res.StatusCode, header: res.Header}}
	}()
	// Gives the request time to be held; were it to arrive after the change, it would be answered
	// at once and the test would still pass, never fail wrongly.
	time.Sleep(200 * time.Millisecond)
	if _, err := admin.want(ctx, replicas[1], http.MethodPost, "/v2/control-planes/"+str(cp["id"])+"/core-entities/services",
		`{"name":"new","host":"upstream.example","port":443,"protocol":"https"}`, http.StatusCreated); err != nil {
		t.Fatal(err)
	}
	r := <-replied // bounded by the wait of 60 seconds, after which the replica answers 304
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.a.status != http.StatusOK || r.a.header.Get("ETag") == strconv.Quote(str(current["config_hash"])) {
		t.Fatalf("long poll answered %d with ETag %s: the change through the other replica did not wake it",
			r.a.status, r.a.header.Get("ETag"))
	}
}
