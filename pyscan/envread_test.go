package pyscan

import "testing"

func TestReadEnv(t *testing.T) {
	tests := []struct {
		expr             string
		name             string
		required, hasDef bool
		cast             string
		ok               bool
	}{
		{`os.environ["X"]`, "X", true, false, "", true},
		{`os.environ.get("X")`, "X", false, true, "", true},
		{`os.getenv("X", "d")`, "X", false, true, "", true},
		{`env("X")`, "X", true, false, "", true},
		{`env("X", default=None)`, "X", false, true, "", true},
		{`env("X", cast=bool)`, "X", true, false, "bool", true},
		{`env.bool("X", default=True)`, "X", false, true, "bool", true},
		{`env.int("X")`, "X", true, false, "int", true},
		{`env.list("X", default=[])`, "X", false, true, "list", true},
		{`env.db("DATABASE_URL")`, "DATABASE_URL", true, false, "url", true},
		{`env.cache()`, "CACHE_URL", true, false, "url", true},
		{`config("X")`, "X", true, false, "", true},
		{`config("X", default="")`, "X", false, true, "", true},
		{`config("HOSTS", cast=Csv())`, "HOSTS", true, false, "list", true},
		{`dj_database_url.config()`, "DATABASE_URL", false, true, "url", true},
		// A cast or method around a read is not the read itself.
		{`bool(os.environ["X"])`, "", false, false, "", false},
		{`os.environ.get("X", "").split(",")`, "", false, false, "", false},
		{`env.something_else("X")`, "", false, false, "", false},
		{`os.environ[NAME]`, "", true, false, "", false},
	}
	for _, tt := range tests {
		r, ok := ReadEnv(parseValueForTest(t, tt.expr))
		if ok != tt.ok || ok && (r.Name != tt.name || r.Required != tt.required || r.HasDefault != tt.hasDef || r.Cast != tt.cast) {
			t.Errorf("ReadEnv(%s) = %+v, %v; want name %q required %v default %v cast %q, %v", tt.expr, r, ok, tt.name, tt.required, tt.hasDef, tt.cast, tt.ok)
		}
	}
}
