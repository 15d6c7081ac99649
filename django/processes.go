package django

import (
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// Tasks is what the settings say about background work and the build steps beside
// collectstatic: task queues other than Celery, django-compressor, and where uploaded
// files are stored. Every Source is "path:line".
type Tasks struct {
	// RQ is set when django-rq is configured (RQ_QUEUES or django_rq in INSTALLED_APPS);
	// RQQueues are RQ_QUEUES' keys in the order written ("default" when none can be read).
	RQ       string   `json:"rq,omitempty"`
	RQQueues []string `json:"rq_queues,omitempty"`
	// Q is where django-q / django-q2 is configured (Q_CLUSTER or django_q in INSTALLED_APPS).
	Q string `json:"django_q,omitempty"`
	// Huey is where huey's Django integration is configured (HUEY or huey.contrib.djhuey).
	Huey string `json:"huey,omitempty"`
	// Dramatiq is where django_dramatiq is installed or DRAMATIQ_BROKER is set.
	Dramatiq string `json:"dramatiq,omitempty"`
	// CompressOffline is where COMPRESS_OFFLINE = True is set: django-compressor then
	// needs `manage.py compress` at build time.
	CompressOffline string `json:"compress_offline,omitempty"`
	// StaticDirs are the last folder names of STATICFILES_DIRS' entries ("dist" for
	// BASE_DIR / "assets" / "dist"; a (prefix, path) pair's path), StaticDirsSource where
	// it is set; nil when it is not set or cannot be read.
	StaticDirs       []string `json:"static_dirs,omitempty"`
	StaticDirsSource string   `json:"static_dirs_source,omitempty"`
	// MediaStorage is the default file storage backend when the settings name one
	// (DEFAULT_FILE_STORAGE or STORAGES["default"]["BACKEND"]), MediaStorageSource where.
	MediaStorage       string `json:"media_storage,omitempty"`
	MediaStorageSource string `json:"media_storage_source,omitempty"`
}

// tasks reads the background-work, compressor and storage settings.
func (r *reader) tasks(s *settings, apps []listItem) {
	t := &r.info.Tasks
	installed := func(name string) string {
		if it, ok := find(apps, func(a string) bool { return a == name || strings.HasPrefix(a, name+".apps.") }); ok {
			return it.at.String()
		}
		return ""
	}
	if _, b := s.get("RQ_QUEUES"); b != nil {
		t.RQ = b.at.String()
		if v := s.resolve(b.val); v.Kind == pyscan.Dict {
			for _, k := range v.Keys {
				if k.Kind == pyscan.String {
					t.RQQueues = append(t.RQQueues, k.Str)
				}
			}
		}
	} else {
		t.RQ = installed("django_rq")
	}
	if t.RQ != "" && len(t.RQQueues) == 0 {
		t.RQQueues = []string{"default"}
	}
	if _, b := s.get("Q_CLUSTER"); b != nil {
		t.Q = b.at.String()
	} else {
		t.Q = installed("django_q")
	}
	if src := installed("huey.contrib.djhuey"); src != "" {
		t.Huey = src
	} else if _, b := s.get("HUEY"); b != nil {
		t.Huey = b.at.String()
	}
	if src := installed("django_dramatiq"); src != "" {
		t.Dramatiq = src
	}
	if _, b := s.get("COMPRESS_OFFLINE"); b != nil {
		if v := s.resolve(b.val); v.Kind == pyscan.Bool && v.Str == "True" {
			t.CompressOffline = b.at.String()
		}
	}
	if _, b := s.get("STATICFILES_DIRS"); b != nil {
		if v := s.resolve(b.val); v.Kind == pyscan.List || v.Kind == pyscan.Tuple {
			for _, it := range v.Items {
				if it = s.resolve(it); it.Kind == pyscan.Tuple && len(it.Items) == 2 {
					it = it.Items[1] // ("prefix", path)
				}
				if dir := s.mediaDir(it); dir != "" {
					t.StaticDirs = append(t.StaticDirs, dir)
				}
			}
			t.StaticDirsSource = b.at.String()
		}
	}
	if _, b := s.get("STORAGES"); b != nil {
		if v, ok := getPath(s.resolve(b.val), []string{"default", "BACKEND"}); ok {
			if txt, ok := text(s.resolve(v)); ok {
				t.MediaStorage = txt
				t.MediaStorageSource = b.originOf([]string{"default", "BACKEND"}, v).String()
			}
		}
	}
	if t.MediaStorage == "" {
		if _, b := s.get("DEFAULT_FILE_STORAGE"); b != nil {
			if txt, ok := text(s.resolve(b.val)); ok {
				t.MediaStorage, t.MediaStorageSource = txt, b.at.String()
			}
		}
	}
}

// RemoteMedia reports whether the default file storage keeps uploads off the container's
// disk (django-storages' S3, Google Cloud, Azure, and similar backends).
func (t Tasks) RemoteMedia() bool {
	b := strings.ToLower(t.MediaStorage)
	for _, remote := range []string{"storages.backends.", "s3", "gcloud", "google", "azure", "cloudinary", "dropbox"} {
		if strings.Contains(b, remote) {
			return true
		}
	}
	return false
}
