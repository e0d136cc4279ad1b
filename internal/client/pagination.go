package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// ListOptions selects one page of a list and filters it.
type ListOptions struct {
	// PageSize is the number of items per page; zero lets the server choose.
	PageSize int
	// PageNumber is the 1-based page; zero means the first.
	PageNumber int
	// Name keeps only items whose name equals it (filter[name][eq]).
	Name string
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if o.PageSize > 0 {
		q.Set("page[size]", strconv.Itoa(o.PageSize))
	}
	if o.PageNumber > 0 {
		q.Set("page[number]", strconv.Itoa(o.PageNumber))
	}
	if o.Name != "" {
		q.Set("filter[name][eq]", o.Name)
	}
	return q
}

// Page is one page of a list response.
type Page[T any] struct {
	Data []T      `json:"data"`
	Meta ListMeta `json:"meta"`
}

// ListMeta carries the paging information of a list response.
type ListMeta struct {
	Page PageMeta `json:"page"`
}

// PageMeta tells which page this is and how many items the whole list holds.
type PageMeta struct {
	Number int `json:"number"`
	Size   int `json:"size"`
	Total  int `json:"total"`
}

// listAll walks every page that list returns, in order.
func listAll[T any](ctx context.Context, opts ListOptions, list func(context.Context, ListOptions) (*Page[T], error)) ([]T, error) {
	opts.PageSize = pageSize
	var all []T
	for n := 1; n <= maxPages; n++ {
		opts.PageNumber = n
		page, err := list(ctx, opts)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if len(page.Data) == 0 || len(all) >= page.Meta.Page.Total {
			return all, nil
		}
	}
	return nil, fmt.Errorf("list did not end after %d pages", maxPages)
}
