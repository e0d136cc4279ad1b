package mail

import (
	"context"
	"fmt"
	"testing"
)

func TestOutboxKeepsNewestPerPortal(t *testing.T) {
	o := NewOutbox()
	ctx := context.Background()
	for i := range OutboxCapacity + 5 {
		if err := o.Send(ctx, Message{Region: "eu", PortalID: "p1", Subject: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Send(ctx, Message{Region: "us", PortalID: "p1", Subject: "other region"}); err != nil {
		t.Fatal(err)
	}
	got := o.Messages("eu", "p1")
	if len(got) != OutboxCapacity {
		t.Fatalf("%d messages kept, want %d", len(got), OutboxCapacity)
	}
	if first, last := got[0].Subject, got[len(got)-1].Subject; first != fmt.Sprint(OutboxCapacity+4) || last != "5" {
		t.Errorf("messages run from %s to %s, want newest %d first down to 5", first, last, OutboxCapacity+4)
	}
	if us := o.Messages("us", "p1"); len(us) != 1 || us[0].Subject != "other region" {
		t.Errorf("us messages: %v", us)
	}
	if none := o.Messages("eu", "p2"); len(none) != 0 {
		t.Errorf("unknown portal has messages: %v", none)
	}
}
