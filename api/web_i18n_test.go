package api

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMessagesRefusals(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"duplicate across files", map[string]string{"a.yaml": "x: {vi: a, en: b}\n", "b.yaml": "x: {vi: c, en: d}\n"}, `message "x" is already defined in a.yaml`},
		{"duplicate in a file", map[string]string{"a.yaml": "x: {vi: a, en: b}\nx: {vi: c, en: d}\n"}, "already defined"},
		{"no english", map[string]string{"a.yaml": "x: {vi: a}\n"}, `message "x": no en text`},
		{"empty vietnamese", map[string]string{"a.yaml": "x: {vi: ' ', en: b}\n"}, "no vi text"},
		{"third language", map[string]string{"a.yaml": "x: {vi: a, en: b, fr: c}\n"}, "languages other than"},
		{"not a map", map[string]string{"a.yaml": "x: hello\n"}, "a.yaml"},
		{"no files", map[string]string{"readme.txt": "hi"}, "no message files"},
	}
	for _, c := range cases {
		fsys := fstest.MapFS{}
		for name, body := range c.files {
			fsys["i18n/"+name] = &fstest.MapFile{Data: []byte(body)}
		}
		_, err := loadMessages(fsys, "i18n")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v; want %q", c.name, err, c.want)
		}
	}
	m, err := loadMessages(fstest.MapFS{"i18n/a.yaml": {Data: []byte("x: {vi: một, en: one}\n")}}, "i18n")
	if err != nil || m["x"]["vi"] != "một" || m["x"]["en"] != "one" {
		t.Errorf("good file: %v %v", m, err)
	}
}

// TestMessagesOfTemplatesAndHandlers checks, without running them, that
// every key a template asks for with .T or .Tf and every key a handler
// flashes exists: a branch no render test reaches still cannot miss one.
func TestMessagesOfTemplatesAndHandlers(t *testing.T) {
	ui, err := loadWeb(webFiles, WebConfig{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(dir string, re *regexp.Regexp, keep func(string) bool) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !keep(e.Name()) {
				continue
			}
			b, err := os.ReadFile(dir + "/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				if _, ok := ui.msgs[m[1]]; !ok {
					t.Errorf("%s asks for message %q, which no file in api/web/i18n defines", e.Name(), m[1])
				}
			}
		}
	}
	check("web/templates", regexp.MustCompile(`\.Tf? "([^"]+)"`), func(string) bool { return true })
	check(".", regexp.MustCompile(`flashMsg\(c, "\w+", "([^"]+)"\)`), func(n string) bool {
		return strings.HasPrefix(n, "web") && strings.HasSuffix(n, ".go")
	})
}
