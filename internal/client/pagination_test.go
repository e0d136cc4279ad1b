package client

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"testing"
)

func TestListAll(t *testing.T) {
	items := make([]int, 250)
	for i := range items {
		items[i] = i
	}
	var asked []int
	list := func(_ context.Context, o ListOptions) (*Page[int], error) {
		asked = append(asked, o.PageNumber)
		if o.PageSize != pageSize || o.Name != "n" {
			t.Fatalf("options = %+v", o)
		}
		start := min((o.PageNumber-1)*o.PageSize, len(items))
		end := min(start+o.PageSize, len(items))
		return &Page[int]{Data: items[start:end], Meta: ListMeta{Page: PageMeta{Number: o.PageNumber, Size: o.PageSize, Total: len(items)}}}, nil
	}
	got, err := listAll(context.Background(), ListOptions{Name: "n"}, list)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, items) {
		t.Errorf("got %d items, want %d", len(got), len(items))
	}
	if !reflect.DeepEqual(asked, []int{1, 2, 3}) {
		t.Errorf("pages asked = %v", asked)
	}
}

func TestListAllStopsOnEmptyPage(t *testing.T) {
	calls := 0
	list := func(_ context.Context, o ListOptions) (*Page[int], error) {
		calls++
		if o.PageNumber == 1 {
			// A server that overstates the total must not make the walk endless.
			return &Page[int]{Data: []int{1}, Meta: ListMeta{Page: PageMeta{Total: 1000}}}, nil
		}
		return &Page[int]{Meta: ListMeta{Page: PageMeta{Total: 1000}}}, nil
	}
	got, err := listAll(context.Background(), ListOptions{}, list)
	if err != nil || len(got) != 1 || calls != 2 {
		t.Errorf("got %v, err %v after %d calls", got, err, calls)
	}

	boom := errors.New("boom")
	_, err = listAll(context.Background(), ListOptions{}, func(context.Context, ListOptions) (*Page[int], error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("error = %v", err)
	}
}

func TestListOptionsQuery(t *testing.T) {
	got := ListOptions{PageSize: 5, PageNumber: 2, Name: "a b"}.query()
	want := url.Values{"page[size]": {"5"}, "page[number]": {"2"}, "filter[name][eq]": {"a b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v, want %v", got, want)
	}
	if q := (ListOptions{}).query(); len(q) != 0 {
		t.Errorf("empty options give %v", q)
	}
}
