// createRepo / deleteRepo / repoExists / modelInfo / datasetInfo.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
	createRepo, deleteRepo, repoExists, modelInfo, datasetInfo, downloadFile, uploadFiles, listCommits,
} from "@huggingface/hub";
import {
	HUB_URL, READ_TOKEN, OTHER_TOKEN, hub, auth, makeRepo, seedRepo, expectHubError, uniqueRepoName,
	blobBytes, collect, SHA1_RE,
} from "./helpers.mjs";

describe("createRepo", () => {
	it("creates a model repo with license: README.md with `license: mit` is readable right away", async (t) => {
		const { repo, name, repoUrl, id } = await makeRepo(t, { label: "license", license: "mit" });
		assert.equal(repoUrl, `${HUB_URL}/${name}`);
		assert.equal(typeof id, "string");
		assert.ok(id.length > 0, "id must be a non-empty string");
		const readme = await downloadFile({ ...auth, repo, path: "README.md" });
		assert.ok(readme, "README.md must exist right after createRepo(license)");
		const text = (await blobBytes(readme)).toString("utf8");
		assert.match(text, /^---\n/, `README.md must start with YAML front matter:\n${text}`);
		assert.match(text, /^license: mit$/m, `README.md:\n${text}`);
		// Public by default, and readable anonymously.
		const anon = await downloadFile({ ...hub, repo, path: "README.md" });
		assert.equal((await blobBytes(anon)).toString("utf8"), text);
	});

	it("creates a dataset repo; repoUrl has the datasets/ prefix", async (t) => {
		const { repo, name, repoUrl } = await makeRepo(t, { type: "dataset", label: "ds", license: "mit" });
		assert.equal(repoUrl, `${HUB_URL}/datasets/${name}`);
		const readme = await downloadFile({ ...auth, repo, path: "README.md" });
		assert.match((await blobBytes(readme)).toString("utf8"), /^license: mit$/m);
		const info = await datasetInfo({ ...auth, name });
		assert.equal(info.name, name);
		// The dataset is not visible as a model.
		await expectHubError(modelInfo({ ...auth, name }), [401, 404], "modelInfo(dataset name)");
		assert.equal(await repoExists({ ...auth, repo: { type: "model", name } }), false);
		assert.equal(await repoExists({ ...auth, repo }), true);
	});

	it("accepts a string designation `datasets/ns/name`", async (t) => {
		const name = uniqueRepoName("ds-string");
		const res = await createRepo({ ...auth, repo: `datasets/${name}` });
		t.after(() => deleteRepo({ ...auth, repo: `datasets/${name}` }).catch(() => {}));
		assert.equal(res.repoUrl, `${HUB_URL}/datasets/${name}`);
		assert.equal(await repoExists({ ...auth, repo: `datasets/${name}` }), true);
	});

	it("creates the initial files passed in `files`", async (t) => {
		const attributes = "*.html filter=lfs diff=lfs merge=lfs -text";
		const { repo, repoUrl, name } = await makeRepo(t, {
			label: "files",
			files: [
				{ path: ".gitattributes", content: new Blob([attributes]) },
				{ path: "hello.txt", content: new Blob(["hello from createRepo"]) },
			],
		});
		assert.equal(repoUrl, `${HUB_URL}/${name}`);
		const ga = await downloadFile({ ...auth, repo, path: ".gitattributes" });
		assert.equal((await blobBytes(ga)).toString("utf8"), attributes);
		const hello = await downloadFile({ ...auth, repo, path: "hello.txt" });
		assert.equal((await blobBytes(hello)).toString("utf8"), "hello from createRepo");
	});

	it("creating the same repo twice fails with 409", async (t) => {
		const { repo } = await makeRepo(t, { label: "twice" });
		await expectHubError(createRepo({ ...auth, repo }), 409, "createRepo(existing model)");
		const ds = await makeRepo(t, { type: "dataset", label: "twice" });
		await expectHubError(createRepo({ ...auth, repo: ds.repo }), 409, "createRepo(existing dataset)");
	});

	it("the same name can exist as a model and as a dataset", async (t) => {
		const { name } = await makeRepo(t, { label: "both" });
		const res = await createRepo({ ...auth, repo: { type: "dataset", name } });
		t.after(() => deleteRepo({ ...auth, repo: { type: "dataset", name } }).catch(() => {}));
		assert.equal(res.repoUrl, `${HUB_URL}/datasets/${name}`);
	});

	it("rejects a name without namespace client-side (TypeError, no request)", async () => {
		await assert.rejects(createRepo({ ...auth, repo: { type: "model", name: "no-namespace" } }), TypeError);
	});

	it("private visibility: modelInfo.private is true and the repo is hidden from others", async (t) => {
		const { repo, name } = await makeRepo(t, { label: "priv", visibility: "private" });
		const info = await modelInfo({ ...auth, name });
		assert.equal(info.private, true);
		assert.equal(await repoExists({ ...auth, repo }), true);
		assert.equal(await repoExists({ ...hub, repo }), false);
		assert.equal(await repoExists({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, repo }), false);
	});
});

describe("deleteRepo", () => {
	it("deletes a model repo: it no longer exists and can be re-created", async (t) => {
		const name = uniqueRepoName("del");
		const repo = { type: "model", name };
		await createRepo({ ...auth, repo });
		t.after(() => deleteRepo({ ...auth, repo }).catch(() => {}));
		await uploadFiles({ ...auth, repo, files: [{ path: "a.txt", content: new Blob(["old"]) }] });
		assert.equal(await repoExists({ ...auth, repo }), true);

		await deleteRepo({ ...auth, repo });
		assert.equal(await repoExists({ ...auth, repo }), false);
		await expectHubError(modelInfo({ ...auth, name }), [401, 404], "modelInfo(deleted)");
		await expectHubError(downloadFile({ ...auth, repo, path: "a.txt" }), [401, 404], "downloadFile(deleted repo)");

		// Re-creating gives a fresh repo without the old file.
		await createRepo({ ...auth, repo });
		assert.equal(await repoExists({ ...auth, repo }), true);
		assert.equal(await downloadFile({ ...auth, repo, path: "a.txt" }), null);
	});

	it("deletes a dataset repo", async (t) => {
		const name = uniqueRepoName("del-ds");
		const repo = { type: "dataset", name };
		await createRepo({ ...auth, repo });
		t.after(() => deleteRepo({ ...auth, repo }).catch(() => {}));
		await deleteRepo({ ...auth, repo });
		assert.equal(await repoExists({ ...auth, repo }), false);
		await expectHubError(datasetInfo({ ...auth, name }), [401, 404], "datasetInfo(deleted)");
	});

	it("deleting a missing repo fails with 404", async () => {
		await expectHubError(
			deleteRepo({ ...auth, repo: { type: "model", name: uniqueRepoName("never") } }),
			404,
			"deleteRepo(missing)",
		);
	});

	it("another user cannot delete my repo (403 or 404) and it survives", async (t) => {
		const { repo } = await makeRepo(t, { label: "del-other" });
		await expectHubError(
			deleteRepo({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, repo }),
			[403, 404],
			"deleteRepo(other user's token)",
		);
		assert.equal(await repoExists({ ...auth, repo }), true);
	});
});

describe("repoExists", () => {
	it("true for an existing public repo (with and without token)", async (t) => {
		const { repo } = await makeRepo(t, { label: "exists" });
		assert.equal(await repoExists({ ...auth, repo }), true);
		assert.equal(await repoExists({ ...hub, repo }), true);
		assert.equal(await repoExists({ ...hub, repo: repo.name }), true);
	});

	it("false for a missing repo", async () => {
		assert.equal(await repoExists({ ...auth, repo: { type: "model", name: uniqueRepoName("nope") } }), false);
		assert.equal(await repoExists({ ...hub, repo: { type: "dataset", name: uniqueRepoName("nope") } }), false);
	});

	// ARBOR_USER may be an admin; ARBOR_OTHER_USER is not, so privacy is checked from its side.
	it("false for a private repo of another user (and anonymously); true for its owner", async (t) => {
		const { repo } = await makeRepo(t, { label: "exists-priv", visibility: "private" });
		assert.equal(await repoExists({ ...auth, repo }), true, "owner, write token");
		assert.equal(await repoExists({ hubUrl: HUB_URL, accessToken: READ_TOKEN, repo }), true, "owner, read token");
		assert.equal(await repoExists({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, repo }), false, "other user");
		assert.equal(await repoExists({ ...hub, repo }), false, "anonymous");
		const ds = await makeRepo(t, { type: "dataset", label: "exists-priv", visibility: "private" });
		assert.equal(await repoExists({ ...auth, repo: ds.repo }), true);
		assert.equal(await repoExists({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, repo: ds.repo }), false);
	});
});

describe("modelInfo / datasetInfo", () => {
	it("modelInfo returns name, id, flags, lastModified and sha of the head commit", async (t) => {
		const seeded = await seedRepo(t, { label: "info" });
		const info = await modelInfo({ ...auth, name: seeded.name, additionalFields: ["sha"] });
		assert.equal(info.name, seeded.name);
		assert.equal(typeof info.id, "string");
		assert.ok(info.id.length > 0, "`_id` must be present");
		assert.equal(info.private, false);
		assert.equal(info.gated, false);
		assert.equal(typeof info.downloads, "number");
		assert.equal(typeof info.likes, "number");
		assert.ok(info.updatedAt instanceof Date && !Number.isNaN(info.updatedAt.getTime()),
			"lastModified must be an ISO date");
		assert.ok(Math.abs(Date.now() - info.updatedAt.getTime()) < 10 * 60_000, "lastModified is recent");
		assert.equal(info.sha, seeded.commitOid, "sha is the head commit of the default branch");
		// Anonymous access to a public repo gives the same sha.
		const anon = await modelInfo({ ...hub, name: seeded.name, additionalFields: ["sha"] });
		assert.equal(anon.sha, seeded.commitOid);
		assert.equal(anon.id, info.id);
	});

	it("modelInfo filePaths lists every file of the repo", async (t) => {
		const seeded = await seedRepo(t, { label: "info-files" });
		const info = await modelInfo({ ...auth, name: seeded.name, additionalFields: ["filePaths"] });
		for (const path of Object.keys(seeded.files)) {
			assert.ok(info.filePaths.includes(path), `filePaths must contain ${path}: ${JSON.stringify(info.filePaths)}`);
		}
		assert.ok(!info.filePaths.includes("docs"), "directories are not siblings");
	});

	it("modelInfo at an older revision returns that revision's sha", async (t) => {
		const seeded = await seedRepo(t, { label: "info-rev" });
		const second = await uploadFiles({ ...auth, repo: seeded.repo, files: [{ path: "more.txt", content: new Blob(["m"]) }] });
		assert.notEqual(second.commit.oid, seeded.commitOid);
		const head = await modelInfo({ ...auth, name: seeded.name, additionalFields: ["sha"] });
		assert.equal(head.sha, second.commit.oid);
		const main = await modelInfo({ ...auth, name: seeded.name, revision: "main", additionalFields: ["sha"] });
		assert.equal(main.sha, second.commit.oid);
		const old = await modelInfo({ ...auth, name: seeded.name, revision: seeded.commitOid, additionalFields: ["sha"] });
		assert.equal(old.sha, seeded.commitOid);
		await expectHubError(
			modelInfo({ ...auth, name: seeded.name, revision: "no-such-branch" }),
			404,
			"modelInfo(missing revision)",
		);
	});

	it("datasetInfo returns name, id, flags and sha (additionalFields)", async (t) => {
		const seeded = await seedRepo(t, { type: "dataset", label: "dsinfo", license: "mit" });
		const info = await datasetInfo({ ...auth, name: seeded.name, additionalFields: ["sha"] });
		assert.equal(info.name, seeded.name);
		assert.equal(typeof info.id, "string");
		assert.ok(info.id.length > 0);
		assert.equal(info.private, false);
		assert.equal(info.gated, false);
		assert.ok(info.updatedAt instanceof Date && !Number.isNaN(info.updatedAt.getTime()));
		assert.match(info.sha, SHA1_RE);
		assert.equal(info.sha, seeded.commitOid);
		const commits = await collect(listCommits({ ...auth, repo: seeded.repo }));
		assert.equal(commits[0].oid, info.sha);
	});

	it("datasetInfo on a model and modelInfo on a dataset fail with 404", async (t) => {
		const model = await makeRepo(t, { label: "typed" });
		await expectHubError(datasetInfo({ ...auth, name: model.name }), [401, 404], "datasetInfo(model)");
	});
});
