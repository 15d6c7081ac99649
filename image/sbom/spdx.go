package sbom

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// The SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/), only the fields this writes.
type spdxDocument struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreationInfo   `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
	// The licenses the packages' LicenseRef-… name.
	ExtractedLicenses []spdxExtractedLicense `json:"hasExtractedLicensingInfos,omitempty"`
}

type spdxExtractedLicense struct {
	LicenseID     string `json:"licenseId"`
	Name          string `json:"name"`
	ExtractedText string `json:"extractedText"`
	Comment       string `json:"comment"`
}

type spdxCreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	Name                  string            `json:"name"`
	SPDXID                string            `json:"SPDXID"`
	VersionInfo           string            `json:"versionInfo,omitempty"`
	DownloadLocation      string            `json:"downloadLocation"`
	FilesAnalyzed         bool              `json:"filesAnalyzed"`
	Checksums             []spdxChecksum    `json:"checksums,omitempty"`
	SourceInfo            string            `json:"sourceInfo,omitempty"`
	LicenseConcluded      string            `json:"licenseConcluded"`
	LicenseDeclared       string            `json:"licenseDeclared"`
	LicenseComments       string            `json:"licenseComments,omitempty"`
	CopyrightText         string            `json:"copyrightText"`
	ExternalRefs          []spdxExternalRef `json:"externalRefs,omitempty"`
	PrimaryPackagePurpose string            `json:"primaryPackagePurpose,omitempty"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type spdxRelationship struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

const noAssertion = "NOASSERTION"

// pkg is a package found in the image.
type pkg struct {
	id, name, version, purl string
	declared                string // an SPDX license expression, or NOASSERTION
	comment                 string // the license as the package states it, when it says anything
	source                  string // where it was read
}

// document is the SPDX document of the image with digest d: the image as a package that the document
// DESCRIBES and that CONTAINS every package found, all sorted.
func document(o Options, d v1.Hash, cf *v1.ConfigFile, pkgs []pkg, refs map[string]string) spdxDocument {
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].id < pkgs[j].id })
	imageName := o.Name
	if imageName == "" {
		imageName = "image"
	}
	repo, tag := imageName, ""
	if t, err := name.NewTag(imageName); err == nil {
		repo, tag = t.RepositoryStr(), t.TagStr()
	}
	q := url.Values{}
	if cf.Architecture != "" {
		q.Set("arch", cf.Architecture)
	}
	if tag != "" {
		q.Set("tag", tag)
	}
	imageID := "SPDXRef-image"
	doc := spdxDocument{
		SPDXVersion: "SPDX-2.3",
		DataLicense: "CC0-1.0",
		SPDXID:      "SPDXRef-DOCUMENT",
		Name:        imageName,
		// Derived from the digest: the same image has the same document, whenever it is made.
		DocumentNamespace: "https://containerize.invalid/spdx/" + url.PathEscape(imageName) + "/" + d.Algorithm + "-" + d.Hex,
		CreationInfo: spdxCreationInfo{
			Created:  o.Created.UTC().Format(time.RFC3339),
			Creators: []string{"Tool: " + o.Tool},
		},
		Packages: []spdxPackage{{
			Name:                  imageName,
			SPDXID:                imageID,
			VersionInfo:           d.String(),
			DownloadLocation:      noAssertion,
			Checksums:             []spdxChecksum{{Algorithm: strings.ToUpper(d.Algorithm), ChecksumValue: d.Hex}},
			LicenseConcluded:      noAssertion,
			LicenseDeclared:       noAssertion,
			CopyrightText:         noAssertion,
			ExternalRefs:          []spdxExternalRef{purlRef(purl("oci", "", repoBase(repo), d.String(), q))},
			PrimaryPackagePurpose: "CONTAINER",
		}},
		Relationships: []spdxRelationship{{"SPDXRef-DOCUMENT", "DESCRIBES", imageID}},
	}
	for _, p := range pkgs {
		doc.Packages = append(doc.Packages, spdxPackage{
			Name:             p.name,
			SPDXID:           p.id,
			VersionInfo:      p.version,
			DownloadLocation: noAssertion,
			SourceInfo:       "read from " + p.source,
			LicenseConcluded: noAssertion,
			LicenseDeclared:  p.declared,
			LicenseComments:  p.comment,
			CopyrightText:    noAssertion,
			ExternalRefs:     []spdxExternalRef{purlRef(p.purl)},
		})
		doc.Relationships = append(doc.Relationships, spdxRelationship{imageID, "CONTAINS", p.id})
	}
	for id, name := range refs {
		// The text is in the packages' copyright files; SPDX requires some, so the name stands for it.
		doc.ExtractedLicenses = append(doc.ExtractedLicenses, spdxExtractedLicense{LicenseID: id, Name: name, ExtractedText: name,
			Comment: "A license a Debian package's /usr/share/doc/PACKAGE/copyright names, with its text, and SPDX has no identifier for."})
	}
	sort.Slice(doc.ExtractedLicenses, func(i, j int) bool { return doc.ExtractedLicenses[i].LicenseID < doc.ExtractedLicenses[j].LicenseID })
	return doc
}

func purlRef(p string) spdxExternalRef {
	return spdxExternalRef{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl", ReferenceLocator: p}
}

// repoBase is the last part of a repository: the purl's name of an OCI image.
func repoBase(repo string) string {
	return strings.ToLower(repo[strings.LastIndex(repo, "/")+1:])
}
