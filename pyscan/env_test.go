package pyscan

import "testing"

func TestEnvDefault(t *testing.T) {
	tests := []struct {
		expr, name, def string
		ok              bool
	}{
		{`os.environ.get("SECRET_KEY", "dev")`, "SECRET_KEY", "dev", true},
		{`os.environ.get("SECRET_KEY")`, "SECRET_KEY", "", true},
		{`os.environ.get("X", default="d")`, "X", "d", true},
		{`os.getenv("DEBUG", "False")`, "DEBUG", "False", true},
		{`getenv("DEBUG", False)`, "DEBUG", "False", true},
		{`environ.get("X", "y")`, "X", "y", true},
		{`os.environ["DATABASE_URL"]`, "DATABASE_URL", "", true},
		{`os.environ.setdefault("X", "y")`, "X", "y", true},
		{`env("SECRET_KEY", default="insecure")`, "SECRET_KEY", "insecure", true},
		{`env("DEBUG", bool, False)`, "DEBUG", "", true},
		{`env.str("SECRET_KEY", "s")`, "SECRET_KEY", "s", true},
		{`env.bool("DEBUG", default=True)`, "DEBUG", "True", true},
		{`env.db("DATABASE_URL", default="postgres://u@h/db")`, "DATABASE_URL", "postgres://u@h/db", true},
		{`env.db()`, "DATABASE_URL", "", true},
		{`env.cache_url(default="redis://r:6379/1")`, "CACHE_URL", "redis://r:6379/1", true},
		{`env.list("ALLOWED_HOSTS", default=["a"])`, "ALLOWED_HOSTS", "", true},
		{`config("SECRET_KEY", default="k")`, "SECRET_KEY", "k", true},
		{`config("DEBUG", default=False, cast=bool)`, "DEBUG", "False", true},
		{`decouple.config("X", "d")`, "X", "d", true},
		{`dj_database_url.config(default="sqlite:///db.sqlite3")`, "DATABASE_URL", "sqlite:///db.sqlite3", true},
		{`dj_database_url.config(env="DB", default="mysql://x")`, "DB", "mysql://x", true},
		{`dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=600)`, "DATABASE_URL", "sqlite:///{BASE_DIR / 'db.sqlite3'}", true},
		{`dj_database_url.config(conn_max_age=600, default="sqlite:///" + str(BASE_DIR / "db.sqlite3"))`, "DATABASE_URL", `sqlite:///{str(BASE_DIR / "db.sqlite3")}`, true},
		{`dj_database_url.config(env=dj_database_url.DEFAULT_ENV, default="postgres://s", conn_max_age=60)`, "DATABASE_URL", "postgres://s", true},
		{`dj_database_url.config(default="sqlite:///%s" % os.path.join(BASE_DIR, "db.sqlite"))`, "DATABASE_URL", `sqlite:///{os.path.join(BASE_DIR, "db.sqlite")}`, true},
		{`config(default="postgres://x")`, "DATABASE_URL", "postgres://x", true},
		{`dj_database_url.parse(os.environ["DATABASE_URL"])`, "DATABASE_URL", "", true},
		{`dj_database_url.parse(os.environ.get("DATABASE_URL", "postgres://d"))`, "DATABASE_URL", "postgres://d", true},
		{`dj_database_url.parse("postgres://literal")`, "", "", false},
		{`django_cache_url.config(default="memcache://")`, "CACHE_URL", "memcache://", true},
		{`bool(int(os.environ.get("DEBUG", "0")))`, "DEBUG", "0", true},
		{`os.environ.get("ALLOWED_HOSTS", "localhost").split(",")`, "ALLOWED_HOSTS", "localhost", true},
		{`os.environ.get("X") or "fallback"`, "X", "fallback", true},
		{`os.environ.get(NAME, "d")`, "", "d", true},
		{`"literal"`, "", "", false},
		{`Path(__file__).resolve()`, "", "", false},
		{`get_random_secret_key()`, "", "", false},
	}
	for _, tt := range tests {
		v := parseValueForTest(t, tt.expr)
		name, def, ok := EnvDefault(v)
		if name != tt.name || def != tt.def || ok != tt.ok {
			t.Errorf("EnvDefault(%s) = %q, %q, %v; want %q, %q, %v", tt.expr, name, def, ok, tt.name, tt.def, tt.ok)
		}
	}
}

func TestReadsEnv(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{`{"default": {"ENGINE": "x", "NAME": os.environ["DB_NAME"]}}`, true},
		{`[h.strip() for h in os.environ.get("HOSTS", "").split(",")]`, true},
		{`os.environ.get("HOSTS", "").split(",")`, true},
		{`["localhost"] + env.list("EXTRA_HOSTS", default=[])`, true},
		{`dict(os.environ)`, true},
		{`["localhost", "127.0.0.1"]`, false},
		{`{"default": {"ENGINE": "django.db.backends.sqlite3"}}`, false},
	}
	for _, tt := range tests {
		if got := ReadsEnv(parseValueForTest(t, tt.expr)); got != tt.want {
			t.Errorf("ReadsEnv(%s) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}
