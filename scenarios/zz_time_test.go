package scenarios

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZZBig(t *testing.T) {
	n := 4 << 20
	inputs := map[string]string{
		"aot":      strings.Repeat("[[nodes]]\n", n/10-1),
		"keys":     genKeys(n),
		"arrays":   "a = [" + strings.Repeat("[1],", n/4-2) + "]",
		"strings":  "a = [" + strings.Repeat(`"x",`, n/4-2) + "]",
		"replies":  "[[nodes]]\n" + strings.Repeat("[[nodes.replies]]\nid = \"x\"\n", n/30),
		"comments": strings.Repeat("#", n-1),
		"mlstr":    `a = """` + strings.Repeat(`\"`, n/2-10) + `"""`,
		"effects":  "[[nodes]]\n[[nodes.replies]]\neffects = {" + genEffects(n-100) + "}\n",
		"unicode":  "a = [" + strings.Repeat(`"é",`, n/5-2) + "]",
		"tables":   genTables(n),
	}
	for name, src := range inputs {
		s := time.Now()
		_, p := Parse(name, []byte(src))
		first := ""
		if len(p) > 0 {
			first = p[0].String()
			if len(first) > 100 {
				first = first[:100]
			}
		}
		t.Log(name, len(src), time.Since(s), len(p), first)
	}
}

func genKeys(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n-40; i++ {
		b.WriteString("Key" + strconv.Itoa(i) + " = 1\n")
	}
	return b.String()
}

func genTables(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n-40; i++ {
		b.WriteString("[mood.m" + strconv.Itoa(i) + "]\n")
	}
	return b.String()
}

func genEffects(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n-30; i++ {
		b.WriteString("v" + strconv.Itoa(i) + " = \"1\",")
	}
	return strings.TrimSuffix(b.String(), ",")
}
