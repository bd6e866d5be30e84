// whoAmI and the error behaviour of tokens: read-only, bad, other user's, none.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
	whoAmI, createRepo, deleteRepo, uploadFiles, commit, deleteFile, createBranch, modelInfo, downloadFile, listFiles,
	listCommits, pathsInfo, fileExists,
} from "@huggingface/hub";
import {
	HUB_URL, USER, TOKEN, READ_TOKEN, OTHER_USER, OTHER_TOKEN, hub, auth, makeRepo, seedRepo, expectHubError,
	bogusToken, uniqueRepoName, blobBytes, collect,
} from "./helpers.mjs";

describe("whoAmI", () => {
	it("returns the user and a write role for a write token", async () => {
		const me = await whoAmI({ hubUrl: HUB_URL, accessToken: TOKEN });
		assert.equal(me.name, USER);
		assert.equal(me.type, "user");
		assert.equal(typeof me.auth, "object");
		assert.equal(me.auth.type, "access_token");
		assert.equal(me.auth.accessToken?.role, "write");
		if (me.auth.accessToken?.createdAt !== undefined) {
			assert.ok(me.auth.accessToken.createdAt instanceof Date, "createdAt is converted to a Date");
			assert.ok(!Number.isNaN(me.auth.accessToken.createdAt.getTime()), "createdAt must be an ISO date");
		}
	});

	it("returns a read role for a read-only token of the same user", async () => {
		const me = await whoAmI({ hubUrl: HUB_URL, accessToken: READ_TOKEN });
		assert.equal(me.name, USER);
		assert.equal(me.auth.accessToken?.role, "read");
	});

	it("returns the other user for the other user's token", async () => {
		const other = await whoAmI({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN });
		assert.equal(other.name, OTHER_USER);
		assert.equal(other.auth.accessToken?.role, "write");
		assert.notEqual(other.name, USER);
	});

	it("rejects an unknown hf_ token with 401", async () => {
		await expectHubError(whoAmI({ hubUrl: HUB_URL, accessToken: bogusToken() }), 401, "whoAmI(bad token)");
	});

	it("rejects a call without token (the client sends 'Bearer undefined') with 401", async () => {
		await expectHubError(whoAmI({ hubUrl: HUB_URL }), 401, "whoAmI(no token)");
	});

	it("the client itself refuses tokens without the hf_ prefix (no request)", async () => {
		await assert.rejects(whoAmI({ hubUrl: HUB_URL, accessToken: "not-a-hub-token" }), TypeError);
	});
});

describe("permission errors", () => {
	it("a read-only token cannot commit (403) and nothing is written", async (t) => {
		const { repo } = await makeRepo(t, { label: "ro-commit" });
		await expectHubError(
			uploadFiles({
				hubUrl: HUB_URL,
				accessToken: READ_TOKEN,
				repo,
				files: [{ path: "forbidden.txt", content: new Blob(["nope"]) }],
			}),
			403,
			"uploadFiles(read token)",
		);
		// Also with an LFS-sized file, which goes through preupload + LFS batch before the commit.
		await expectHubError(
			commit({
				hubUrl: HUB_URL,
				accessToken: READ_TOKEN,
				repo,
				title: "should fail",
				operations: [{ operation: "addOrUpdate", path: "big.bin", content: new Blob([new Uint8Array(1_100_000)]) }],
			}),
			403,
			"commit(read token, LFS file)",
		);
		assert.equal(await downloadFile({ ...auth, repo, path: "forbidden.txt" }), null);
		assert.equal(await downloadFile({ ...auth, repo, path: "big.bin" }), null);
	});

	it("a read-only token can still read its user's private repo", async (t) => {
		const { repo } = await seedRepo(t, { label: "ro-read", visibility: "private" });
		const blob = await downloadFile({ hubUrl: HUB_URL, accessToken: READ_TOKEN, repo, path: "notes.txt" });
		assert.ok(blob, "read token must see the private repo's file");
		const files = [];
		for await (const f of listFiles({ hubUrl: HUB_URL, accessToken: READ_TOKEN, repo })) files.push(f.path);
		assert.ok(files.includes("notes.txt"), `listFiles with read token: ${files}`);
	});

	it("a read-only token cannot create a repo (403)", async (t) => {
		const name = uniqueRepoName("ro-create");
		// In case the server wrongly created it.
		t.after(() => deleteRepo({ ...auth, repo: { type: "model", name } }).catch(() => {}));
		await expectHubError(
			createRepo({ hubUrl: HUB_URL, accessToken: READ_TOKEN, repo: { type: "model", name } }),
			403,
			"createRepo(read token)",
		);
	});

	it("a read-only token cannot create a branch or delete a file (403)", async (t) => {
		const { repo } = await seedRepo(t, { label: "ro-branch" });
		await expectHubError(
			createBranch({ hubUrl: HUB_URL, accessToken: READ_TOKEN, repo, branch: "ro-branch" }),
			403,
			"createBranch(read token)",
		);
		await expectHubError(
			deleteFile({ hubUrl: HUB_URL, accessToken: READ_TOKEN, repo, path: "notes.txt" }),
			403,
			"deleteFile(read token)",
		);
		assert.ok(await downloadFile({ ...auth, repo, path: "notes.txt" }), "file must still exist");
	});

	it("another user's write token cannot commit to my public repo (403)", async (t) => {
		const { repo } = await makeRepo(t, { label: "other-commit" });
		// The other user can see the public repo...
		const info = await modelInfo({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, name: repo.name });
		assert.equal(info.name, repo.name);
		// ...but not write to it.
		await expectHubError(
			uploadFiles({
				hubUrl: HUB_URL,
				accessToken: OTHER_TOKEN,
				repo,
				files: [{ path: "intruder.txt", content: new Blob(["x"]) }],
			}),
			403,
			"uploadFiles(other user's token)",
		);
		assert.equal(await downloadFile({ ...auth, repo, path: "intruder.txt" }), null);
	});

	it("a user cannot create a repo in another user's namespace (403)", async (t) => {
		// The other user is not an admin, so it must not create repos under ARBOR_USER's namespace.
		const name = uniqueRepoName("foreign-ns", USER);
		t.after(() => deleteRepo({ ...auth, repo: { type: "model", name } }).catch(() => {}));
		await expectHubError(
			createRepo({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, repo: { type: "model", name } }),
			403,
			"createRepo(in other user's namespace)",
		);
	});

	it("an unknown hf_ token cannot commit (401)", async (t) => {
		const { repo } = await makeRepo(t, { label: "bad-token" });
		await expectHubError(
			uploadFiles({
				hubUrl: HUB_URL,
				accessToken: bogusToken(),
				repo,
				files: [{ path: "x.txt", content: new Blob(["x"]) }],
			}),
			401,
			"uploadFiles(bad token)",
		);
		assert.equal(await downloadFile({ ...auth, repo, path: "x.txt" }), null);
	});

	it("an anonymous commit is rejected (401)", async (t) => {
		const { repo } = await makeRepo(t, { label: "anon-commit" });
		await expectHubError(
			uploadFiles({ hubUrl: HUB_URL, repo, files: [{ path: "x.txt", content: new Blob(["x"]) }] }),
			401,
			"uploadFiles(no token)",
		);
	});
});

describe("missing and private repos", () => {
	const missing = () => ({ type: "model", name: uniqueRepoName("missing") });

	it("modelInfo / listFiles / downloadFile on a missing repo fail with 401 or 404 (not null)", async () => {
		const repo = missing();
		await expectHubError(modelInfo({ ...auth, name: repo.name }), [401, 404], "modelInfo(missing, auth)");
		await expectHubError(modelInfo({ ...hub, name: repo.name }), [401, 404], "modelInfo(missing, anonymous)");
		await expectHubError(collect(listFiles({ ...auth, repo })), [401, 404], "listFiles(missing)");
		// downloadFile returns null only for EntryNotFound; a missing repo must be an error.
		await expectHubError(downloadFile({ ...auth, repo, path: "config.json" }), [401, 404], "downloadFile(missing repo)");
	});

	// ARBOR_USER may be an admin (who sees everything); ARBOR_OTHER_USER is a plain user, so privacy is
	// checked from the other user's side (and anonymously) on a private repo of ARBOR_USER.
	it("a private repo is invisible to another user and to anonymous callers: 401/404 everywhere", async (t) => {
		const { repo, name } = await seedRepo(t, { label: "private", visibility: "private" });
		const other = { hubUrl: HUB_URL, accessToken: OTHER_TOKEN };
		// The owner sees it, with the write and the read token.
		const own = await modelInfo({ ...auth, name });
		assert.equal(own.private, true);
		assert.ok(await downloadFile({ ...auth, repo, path: "notes.txt" }));
		// Nobody else does.
		for (const [who, opts] of [["other user", other], ["anonymous", hub]]) {
			await expectHubError(modelInfo({ ...opts, name }), [401, 404], `modelInfo(private, ${who})`);
			await expectHubError(downloadFile({ ...opts, repo, path: "notes.txt" }), [401, 404],
				`downloadFile(private, ${who})`);
			await expectHubError(downloadFile({ ...opts, repo, path: "weights/model.bin" }), [401, 404],
				`downloadFile(private LFS file, ${who})`);
			await expectHubError(collect(listFiles({ ...opts, repo })), [401, 404], `listFiles(private, ${who})`);
			await expectHubError(collect(listCommits({ ...opts, repo })), [401, 404], `listCommits(private, ${who})`);
			await expectHubError(pathsInfo({ ...opts, repo, paths: ["notes.txt"] }), [401, 404],
				`pathsInfo(private, ${who})`);
		}
		assert.equal(await fileExists({ ...other, repo, path: "notes.txt" }), false, "fileExists(private, other user)");
		// The other user cannot write to it either.
		await expectHubError(
			uploadFiles({ ...other, repo, files: [{ path: "x.txt", content: new Blob(["x"]) }] }),
			[403, 404],
			"uploadFiles(other user's private repo)",
		);
		assert.equal(await downloadFile({ ...auth, repo, path: "x.txt" }), null);
		const notes = await downloadFile({ ...auth, repo, path: "notes.txt" });
		assert.ok((await blobBytes(notes)).length > 0);
	});
});
