package api

import (
	"time"

	"github.com/quangba/quangba/catalog"
)

// ReviewRequest is a review decision: approve, reject, request_changes,
// archive, send_back, resubmit, restrict or unrestrict. Reject and
// request_changes need a note, which the contributor reads.
type ReviewRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// Review is where an asset stands in review. State repeats the status.
type Review struct {
	State      string     `json:"state"`
	Note       string     `json:"note,omitempty"` // a rejection's reason, the changes asked for
	By         string     `json:"by,omitempty"`
	At         *time.Time `json:"at,omitempty"`
	Restricted bool       `json:"restricted"` // never exported
}

// HistoryEvent is one entry of an asset's history.
type HistoryEvent struct {
	ID     int64          `json:"id"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"` // "" for the system
	Action string         `json:"action"`
	Detail map[string]any `json:"detail"` // as recorded, e.g. before and after of each changed field
}

// History lists an asset's events, newest first.
type History struct {
	Items []HistoryEvent `json:"items"`
}

// toReview is nil until an asset is decided on or restricted.
func toReview(a catalog.Asset) *Review {
	r := a.Review
	if r.At == nil && !r.Restricted {
		return nil
	}
	return &Review{State: a.Status, Note: r.Note, By: r.By, At: r.At, Restricted: r.Restricted}
}

func toHistory(hs []catalog.HistoryEntry) History {
	out := History{Items: make([]HistoryEvent, 0, len(hs))}
	for _, h := range hs {
		detail := h.Detail
		if detail == nil {
			detail = map[string]any{}
		}
		out.Items = append(out.Items, HistoryEvent{ID: h.ID, At: h.At, Actor: h.Actor, Action: h.Action, Detail: detail})
	}
	return out
}
