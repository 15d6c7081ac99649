package resolve

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReportScripts(t *testing.T) {
	in := []ControlMembers{
		{Package: "libpq5", Members: []string{"./control", "./md5sums", "./shlibs", "./symbols", "./triggers"},
			Contents: map[string]string{"triggers": "# Triggers added by dh_makeshlibs/13.11.4\nactivate-noawait ldconfig\n"}},
		{Package: "proj-data", Members: []string{"./control", "./md5sums"}},
		{Package: "libmariadb3", Members: []string{"./control", "./postinst", "./postrm"},
			Contents: map[string]string{"postinst": "#!/bin/sh\nset -e\n# Automatically added by dh_makeshlibs\nif [ \"$1\" = \"configure\" ]; then\n\tldconfig\nfi\n"}},
		{Package: "mariadb-common", Members: []string{"./conffiles", "./control", "./postinst", "./preinst"},
			Contents: map[string]string{
				"postinst": "#!/bin/sh\nset -e\ncase \"$1\" in\n  configure)\n    update-alternatives --install /etc/mysql/my.cnf my.cnf \"/etc/mysql/mariadb.cnf\" 500 || true\n  ;;\nesac\n",
				"preinst":  "#!/bin/sh\nset -e\nmkdir -p /etc/mysql/conf.d\n",
			}},
		{Package: "libgdal32", Members: []string{"./postinst"}},
		{Package: "fontconfig-config", Members: []string{"./triggers"}, Contents: map[string]string{"triggers": "interest-noawait /usr/share/fonts\n"}},
	}
	want := []ScriptReport{
		{Package: "fontconfig-config", Scripts: []string{"triggers"}, Actions: []ScriptAction{{KindNotRun, "triggers", "not run: triggers"}}},
		{Package: "libgdal32", Scripts: []string{"postinst"}, Actions: []ScriptAction{{KindNotRun, "postinst", "not run: postinst"}}},
		{Package: "libmariadb3", Scripts: []string{"postinst"}, Actions: []ScriptAction{{KindLdconfig, "postinst", "libraries in default paths; ld.so.cache to be regenerated"}}},
		{Package: "libpq5", Scripts: []string{"triggers"}, Actions: []ScriptAction{{KindLdconfig, "triggers", "libraries in default paths; ld.so.cache to be regenerated"}}},
		{Package: "mariadb-common", Scripts: []string{"postinst", "preinst"}, Actions: []ScriptAction{
			{KindAlternatives, "postinst", "alternatives symlinks"},
			{KindNotRun, "preinst", "not run: preinst"},
		}},
	}
	if d := cmp.Diff(want, ReportScripts(in)); d != "" {
		t.Errorf("ReportScripts (-want +got):\n%s", d)
	}
}
