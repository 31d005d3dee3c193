package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestThemesSuggestConfirmAndTree(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "x.jpg", read(t, "images/orientation/recurser_Landscape_1.jpg"), nil, nil)
	a := decode[uploadResult](t, b)
	path := "/api/v1/assets/" + a.ID
	_, b = f.patch(t, f.contribA, path, `{"title": {"vi": "Lễ hội Cà phê Buôn Ma Thuột"}}`)
	got := decode[struct {
		Themes []struct {
			ID, VI    string
			Confirmed bool
		}
	}](t, b)
	var ids []string
	for _, th := range got.Themes {
		ids = append(ids, th.ID)
		if th.Confirmed || th.VI == "" {
			t.Errorf("suggestion %+v", th)
		}
	}
	if strings.Join(ids, ",") != "heritage,heritage/festivals,ocop,ocop/coffee" {
		t.Errorf("suggested themes = %v", ids)
	}
	resp, b := f.do(t, mustReq(t, http.MethodPut, f.srv.URL+path+"/themes", `{"themes": ["ocop/coffee", "heritage/festivals"]}`), f.contribA, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"id":"ocop/coffee","vi":"Cà phê","en":"Coffee","confirmed":true`) {
		t.Errorf("confirm: %d %s", resp.StatusCode, b)
	}
	resp, b = f.do(t, mustReq(t, http.MethodPut, f.srv.URL+path+"/themes", `{"themes": ["space"]}`), f.contribA, nil)
	if e := decode[errorBody](t, b); resp.StatusCode != 422 || e.Error.Code != "invalid_field" {
		t.Errorf("unknown theme: %d %s", resp.StatusCode, b)
	}
	_, b = f.get(t, f.cu, "/api/v1/themes")
	if !strings.Contains(string(b), `"id":"ocop","vi":"Sản phẩm OCOP","en":"OCOP products","count":1`) {
		t.Errorf("tree for a curator: %s", b)
	}
	_, b = f.get(t, f.contribB, "/api/v1/themes")
	if strings.Contains(string(b), `"count":1`) {
		t.Errorf("another organisation sees counts of A's assets: %s", b)
	}
}

func mustReq(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}
