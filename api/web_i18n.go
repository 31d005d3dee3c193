package api

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// messages maps a key to its text by language: messages["nav.library"]["vi"].
type messages map[string]map[string]string

// pageLangs are the languages every message must have.
var pageLangs = []string{"vi", "en"}

// loadMessages merges every *.yaml file in dir. Each file maps a key to
// {vi: …, en: …}; a key defined twice (in one file or two), a missing or
// empty language, or an unknown one is an error.
func loadMessages(fsys fs.FS, dir string) (messages, error) {
	names, err := fs.Glob(fsys, dir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no message files in %s", dir)
	}
	sort.Strings(names)
	out := messages{}
	from := map[string]string{} // key → file, for the duplicate message
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var file map[string]map[string]string
		if err := yaml.Unmarshal(b, &file); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		for key, texts := range file {
			if prev, ok := from[key]; ok {
				return nil, fmt.Errorf("%s: message %q is already defined in %s", path.Base(name), key, prev)
			}
			if err := checkMessage(texts); err != nil {
				return nil, fmt.Errorf("%s: message %q: %w", path.Base(name), key, err)
			}
			out[key], from[key] = texts, path.Base(name)
		}
	}
	return out, nil
}

func checkMessage(texts map[string]string) error {
	for _, l := range pageLangs {
		if strings.TrimSpace(texts[l]) == "" {
			return fmt.Errorf("no %s text", l)
		}
	}
	if len(texts) != len(pageLangs) {
		return fmt.Errorf("languages other than %s", strings.Join(pageLangs, " and "))
	}
	return nil
}

// text returns the message key in lang.
func (m messages) text(key, lang string) (string, error) {
	t, ok := m[key]
	if !ok {
		return "", fmt.Errorf("no message %q in api/web/i18n", key)
	}
	return t[lang], nil
}
