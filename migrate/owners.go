package migrate

import (
	"sort"
	"strings"

	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/venv"
)

// wellKnown maps modules to the distributions that provide them when the
// names differ, most common first: the first one is what to suggest when
// nothing installed or declared provides the module. Distribution names are
// as PyPI spells them.
var wellKnown = map[string][]string{
	"yaml":                      {"PyYAML"},
	"PIL":                       {"Pillow", "PIL"},
	"rest_framework":            {"djangorestframework"},
	"rest_framework_simplejwt":  {"djangorestframework-simplejwt"},
	"rest_framework_jwt":        {"djangorestframework-jwt"},
	"MySQLdb":                   {"mysqlclient", "MySQL-python"},
	"psycopg2":                  {"psycopg2", "psycopg2-binary"},
	"dateutil":                  {"python-dateutil"},
	"bs4":                       {"beautifulsoup4"},
	"sklearn":                   {"scikit-learn"},
	"skimage":                   {"scikit-image"},
	"cv2":                       {"opencv-python", "opencv-python-headless", "opencv-contrib-python"},
	"jwt":                       {"PyJWT"},
	"dotenv":                    {"python-dotenv"},
	"decouple":                  {"python-decouple"},
	"magic":                     {"python-magic"},
	"OpenSSL":                   {"pyOpenSSL"},
	"Crypto":                    {"pycryptodome", "pycrypto"},
	"Cryptodome":                {"pycryptodomex"},
	"google.protobuf":           {"protobuf"},
	"google.oauth2":             {"google-auth"},
	"google.auth":               {"google-auth"},
	"google.api_core":           {"google-api-core"},
	"zope.interface":            {"zope.interface"},
	"backports.zoneinfo":        {"backports.zoneinfo"},
	"googleapiclient":           {"google-api-python-client"},
	"attr":                      {"attrs"},
	"pkg_resources":             {"setuptools"},
	"corsheaders":               {"django-cors-headers"},
	"debug_toolbar":             {"django-debug-toolbar"},
	"environ":                   {"django-environ"},
	"crispy_forms":              {"django-crispy-forms"},
	"storages":                  {"django-storages"},
	"django_filters":            {"django-filter"},
	"allauth":                   {"django-allauth"},
	"import_export":             {"django-import-export"},
	"mptt":                      {"django-mptt"},
	"taggit":                    {"django-taggit"},
	"guardian":                  {"django-guardian"},
	"reversion":                 {"django-reversion"},
	"compressor":                {"django-compressor"},
	"haystack":                  {"django-haystack"},
	"model_utils":               {"django-model-utils"},
	"polymorphic":               {"django-polymorphic"},
	"oauth2_provider":           {"django-oauth-toolkit"},
	"social_django":             {"social-auth-app-django"},
	"widget_tweaks":             {"django-widget-tweaks"},
	"phonenumber_field":         {"django-phonenumber-field"},
	"djcelery":                  {"django-celery"},
	"memcache":                  {"python-memcached"},
	"ldap":                      {"python-ldap"},
	"dns":                       {"dnspython"},
	"serial":                    {"pyserial"},
	"git":                       {"GitPython"},
	"github":                    {"PyGithub"},
	"slugify":                   {"python-slugify"},
	"jose":                      {"python-jose"},
	"socks":                     {"PySocks"},
	"nacl":                      {"PyNaCl"},
	"zmq":                       {"pyzmq"},
	"docx":                      {"python-docx"},
	"pptx":                      {"python-pptx"},
	"fitz":                      {"PyMuPDF"},
	"websocket":                 {"websocket-client"},
	"kafka":                     {"kafka-python"},
	"pythonjsonlogger":          {"python-json-logger"},
	"Levenshtein":               {"python-Levenshtein", "Levenshtein"},
	"win32api":                  {"pywin32"},
	"gi":                        {"PyGObject"},
	"wx":                        {"wxPython"},
	"OpenGL":                    {"PyOpenGL"},
	"usb":                       {"pyusb"},
	"webpack_loader":            {"django-webpack-loader"},
	"ckeditor":                  {"django-ckeditor"},
	"tinymce":                   {"django-tinymce"},
	"bootstrap4":                {"django-bootstrap4"},
	"factory":                   {"factory-boy"},
	"bson":                      {"pymongo"},
	"grpc":                      {"grpcio"},
	"ruamel":                    {"ruamel.yaml"},
	"constance":                 {"django-constance"},
	"solo":                      {"django-solo"},
	"axes":                      {"django-axes"},
	"two_factor":                {"django-two-factor-auth"},
	"simple_history":            {"django-simple-history"},
	"rest_framework_nested":     {"drf-nested-routers"},
	"rest_framework_gis":        {"djangorestframework-gis"},
	"leaflet":                   {"django-leaflet"},
	"anymail":                   {"django-anymail"},
	"health_check":              {"django-health-check"},
	"silk":                      {"django-silk"},
	"rosetta":                   {"django-rosetta"},
	"modeltranslation":          {"django-modeltranslation"},
	"parler":                    {"django-parler"},
	"treebeard":                 {"django-treebeard"},
	"cms":                       {"django-cms"},
	"registration":              {"django-registration"},
	"tastypie":                  {"django-tastypie"},
	"piston":                    {"django-piston"},
	"sorl":                      {"sorl-thumbnail"},
	"imagekit":                  {"django-imagekit"},
	"braces":                    {"django-braces"},
	"extra_views":               {"django-extra-views"},
	"localflavor":               {"django-localflavor"},
	"djmoney":                   {"django-money"},
	"ordered_model":             {"django-ordered-model"},
	"formtools":                 {"django-formtools"},
	"markdownx":                 {"django-markdownx"},
	"pipeline":                  {"django-pipeline"},
	"sass_processor":            {"django-sass-processor"},
	"cachalot":                  {"django-cachalot"},
	"cacheops":                  {"django-cacheops"},
	"robots":                    {"django-robots"},
	"hijack":                    {"django-hijack"},
	"impersonate":               {"django-impersonate"},
	"ratelimit":                 {"django-ratelimit"},
	"csp":                       {"django-csp"},
	"defender":                  {"django-defender"},
	"dbbackup":                  {"django-dbbackup"},
	"post_office":               {"django-post-office"},
	"templated_email":           {"django-templated-email"},
	"notifications":             {"django-notifications-hq"},
	"auditlog":                  {"django-auditlog"},
	"strawberry":                {"strawberry-graphql"},
	"ninja":                     {"django-ninja"},
	"oidc_provider":             {"django-oidc-provider"},
	"social_core":               {"social-auth-core"},
	"saml2":                     {"pysaml2"},
	"onelogin":                  {"python3-saml"},
	"barcode":                   {"python-barcode"},
	"suds":                      {"suds-community", "suds-jurko"},
	"argon2":                    {"argon2-cffi"},
	"telegram":                  {"python-telegram-bot"},
	"facebook":                  {"facebook-sdk"},
	"recurrence":                {"django-recurrence"},
	"daemon":                    {"python-daemon"},
	"static":                    {"static3"},
	"sass":                      {"libsass"},
	"ipware":                    {"django-ipware"},
	"tagging":                   {"django-tagging"},
	"filer":                     {"django-filer"},
	"ajax_select":               {"django-ajax-selects"},
	"autocomplete_light":        {"django-autocomplete-light"},
	"dal":                       {"django-autocomplete-light"},
	"grappelli":                 {"django-grappelli"},
	"jet":                       {"django-jet"},
	"suit":                      {"django-suit"},
	"admin_interface":           {"django-admin-interface"},
	"colorfield":                {"django-colorfield"},
	"nested_admin":              {"django-nested-admin"},
	"adminsortable2":            {"django-admin-sortable2"},
	"adminsortable":             {"django-admin-sortable"},
	"import_export_celery":      {"django-import-export-celery"},
	"queued_storage":            {"django-queued-storage"},
	"versatileimagefield":       {"django-versatileimagefield"},
	"stdimage":                  {"django-stdimage"},
	"dirtyfields":               {"django-dirtyfields"},
	"safedelete":                {"django-safedelete"},
	"uuslug":                    {"django-uuslug"},
	"autoslug":                  {"django-autoslug"},
	"annoying":                  {"django-annoying"},
	"picklefield":               {"django-picklefield"},
	"timezone_field":            {"django-timezone-field"},
	"webpush":                   {"django-webpush"},
	"push_notifications":        {"django-push-notifications"},
	"js_asset":                  {"django-js-asset"},
	"sekizai":                   {"django-sekizai"},
	"classytags":                {"django-classy-tags"},
	"waffle":                    {"django-waffle"},
	"flags":                     {"django-flags"},
	"maintenance_mode":          {"django-maintenance-mode"},
	"watson":                    {"django-watson"},
	"django_comments":           {"django-contrib-comments"},
	"threadedcomments":          {"django-threadedcomments"},
	"star_ratings":              {"django-star-ratings"},
	"invitations":               {"django-invitations"},
	"organizations":             {"django-organizations"},
	"tenant_schemas":            {"django-tenant-schemas"},
	"rest_auth":                 {"django-rest-auth"},
	"knox":                      {"django-rest-knox"},
	"rest_framework_api_key":    {"djangorestframework-api-key"},
	"rest_framework_csv":        {"djangorestframework-csv"},
	"rest_framework_xml":        {"djangorestframework-xml"},
	"rest_framework_yaml":       {"djangorestframework-yaml"},
	"rest_framework_swagger":    {"django-rest-swagger"},
	"rest_framework_tracking":   {"drf-api-tracking"},
	"rest_framework_extensions": {"drf-extensions"},
	"rest_framework_bulk":       {"djangorestframework-bulk"},
	"rest_framework_filters":    {"djangorestframework-filters"},
	"rest_framework_datatables": {"djangorestframework-datatables"},
	"generic_relations":         {"rest-framework-generic-relations"},
}

// namespaceRoots are top-level packages that many distributions share: an
// import is attributed by its first two parts ("google.protobuf").
var namespaceRoots = map[string]bool{"google": true, "backports": true, "zope": true, "azure": true}

// suggest names the distribution that usually provides module, "" when the
// table does not know it.
func suggest(module string) string {
	if d := wellKnown[module]; len(d) > 0 {
		return d[0]
	}
	return ""
}

// ModuleOwners maps importable modules to the installed distributions that
// provide them (PEP 503 names, sorted): each distribution's TopLevel
// (top_level.txt or RECORD), the modules the built-in table attributes to
// it ("google.protobuf" to protobuf), and, for a distribution whose files
// are unknown, its own name as a module ("typing-extensions" as
// typing_extensions).
func ModuleOwners(dists []venv.Dist) map[string][]string {
	byDist := map[string][]string{}
	for module, names := range wellKnown {
		for _, n := range names {
			n = pep.NormalizeName(n)
			byDist[n] = append(byDist[n], module)
		}
	}
	owners := map[string][]string{}
	add := func(module, dist string) {
		for _, d := range owners[module] {
			if d == dist {
				return
			}
		}
		owners[module] = append(owners[module], dist)
	}
	for _, d := range dists {
		for _, m := range d.TopLevel {
			add(m, d.Name)
		}
		for _, m := range byDist[d.Name] {
			add(m, d.Name)
		}
		if len(d.TopLevel) == 0 {
			add(strings.ReplaceAll(d.Name, "-", "_"), d.Name)
		}
	}
	for _, list := range owners {
		sort.Strings(list)
	}
	return owners
}

// provided reports whether an installed distribution (owners, from
// ModuleOwners) or a declared one (normalised names) provides module. A
// declared distribution provides the modules the table gives it, and the
// module its name spells. A namespace package's module the table knows
// ("google.protobuf") needs its own distribution: google-auth's "google"
// does not provide it.
func provided(module string, owners map[string][]string, declared map[string]bool) bool {
	if len(owners[module]) > 0 || declared[pep.NormalizeName(module)] {
		return true
	}
	for _, d := range wellKnown[module] {
		if declared[pep.NormalizeName(d)] {
			return true
		}
	}
	if root, _, dotted := strings.Cut(module, "."); dotted {
		if _, known := wellKnown[module]; !known {
			return provided(root, owners, declared)
		}
	}
	return false
}
