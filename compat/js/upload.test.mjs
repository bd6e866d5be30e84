// commit / uploadFiles / uploadFile / deleteFile / deleteFiles: regular and LFS files.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { File } from "node:buffer";
import {
	commit, uploadFiles, uploadFile, deleteFile, deleteFiles, downloadFile, fileDownloadInfo, fileExists, listFiles,
	pathsInfo, listCommits,
} from "@huggingface/hub";
import {
	HUB_URL, auth, makeRepo, seedRepo, expectHubError, sha256Hex, gitBlobSha1, lfsPointer, blobBytes, collect,
	binaryBytes, SHA1_RE,
} from "./helpers.mjs";

async function text(blob) {
	return (await blobBytes(blob)).toString("utf8");
}

async function pathInfo(repo, path, revision) {
	const infos = await pathsInfo({ ...auth, repo, paths: [path], ...(revision && { revision }) });
	assert.equal(infos.length, 1, `pathsInfo(${path}) must return exactly one entry: ${JSON.stringify(infos)}`);
	return infos[0];
}

/** Checks every way the JS client sees an LFS file. */
async function assertLfsFile(repo, path, bytes) {
	const sha = sha256Hex(bytes);
	const pointer = lfsPointer(bytes);

	const info = await pathInfo(repo, path);
	assert.equal(info.type, "file");
	assert.equal(info.path, path);
	assert.equal(info.size, bytes.length, "size is the real content size, not the pointer size");
	assert.ok(info.lfs, `${path} must be stored in LFS: ${JSON.stringify(info)}`);
	assert.equal(info.lfs.oid, sha, "lfs.oid is the sha256 of the content");
	assert.equal(info.lfs.size, bytes.length);
	assert.equal(info.lfs.pointerSize, Buffer.byteLength(pointer));
	assert.equal(info.oid, gitBlobSha1(Buffer.from(pointer)), "oid is the git blob id of the pointer file");

	const listed = (await collect(listFiles({ ...auth, repo, recursive: true }))).find((e) => e.path === path);
	assert.ok(listed, `listFiles must list ${path}`);
	assert.deepEqual(listed.lfs, { oid: sha, size: bytes.length, pointerSize: Buffer.byteLength(pointer) });
	assert.equal(listed.size, bytes.length);
	assert.equal(listed.oid, info.oid);
	assert.equal(listed.xetHash, undefined, "no xetHash must ever be sent");

	const raw = await downloadFile({ ...auth, repo, path, raw: true });
	assert.equal(await text(raw), pointer, "raw download is the exact LFS pointer text");

	const full = await downloadFile({ ...auth, repo, path });
	assert.ok((await blobBytes(full)).equals(bytes), "resolved download is byte-identical");

	const dl = await fileDownloadInfo({ ...auth, repo, path });
	assert.equal(dl.size, bytes.length);
	assert.equal(dl.etag, `"${sha}"`, "etag of an LFS file is the quoted sha256");
	assert.equal(dl.xet, undefined, "no Xet signal");
	const rawDl = await fileDownloadInfo({ ...auth, repo, path, raw: true });
	assert.equal(rawDl.size, Buffer.byteLength(pointer));
	assert.equal(rawDl.etag, `"${gitBlobSha1(Buffer.from(pointer))}"`, "etag of the raw pointer is its git blob id");
}

/** Checks every way the JS client sees a regular (non-LFS) file. */
async function assertRegularFile(repo, path, bytes) {
	const info = await pathInfo(repo, path);
	assert.equal(info.type, "file");
	assert.equal(info.size, bytes.length);
	assert.equal(info.lfs, undefined, `${path} must not be in LFS: ${JSON.stringify(info)}`);
	assert.equal(info.oid, gitBlobSha1(bytes), "oid is the git blob sha1");
	const blob = await downloadFile({ ...auth, repo, path });
	assert.ok((await blobBytes(blob)).equals(bytes), `${path} content`);
	const raw = await downloadFile({ ...auth, repo, path, raw: true });
	assert.ok((await blobBytes(raw)).equals(bytes), `${path} raw content equals resolved content`);
	const dl = await fileDownloadInfo({ ...auth, repo, path });
	assert.equal(dl.size, bytes.length);
	assert.equal(dl.etag, `"${gitBlobSha1(bytes)}"`, "etag of a regular file is the quoted git blob sha1");
}

describe("commit", () => {
	it("commits regular files and a >1 MB binary that becomes LFS (model)", async (t) => {
		const seeded = await seedRepo(t, { label: "commit" });
		assert.equal(seeded.commitUrl, `${HUB_URL}/${seeded.name}/commit/${seeded.commitOid}`);
		await assertRegularFile(seeded.repo, "config.json", seeded.files["config.json"]);
		await assertRegularFile(seeded.repo, "docs/guide/intro.md", seeded.files["docs/guide/intro.md"]);
		await assertLfsFile(seeded.repo, "weights/model.bin", seeded.files["weights/model.bin"]);
		const [last] = await collect(listCommits({ ...auth, repo: seeded.repo }));
		assert.equal(last.oid, seeded.commitOid);
		assert.equal(last.title, seeded.title);
	});

	it("commits regular and LFS files to a dataset (datasets/ URL prefixes)", async (t) => {
		const seeded = await seedRepo(t, { type: "dataset", label: "commit-ds" });
		assert.equal(seeded.commitUrl, `${HUB_URL}/datasets/${seeded.name}/commit/${seeded.commitOid}`);
		await assertRegularFile(seeded.repo, "notes.txt", seeded.files["notes.txt"]);
		await assertLfsFile(seeded.repo, "weights/model.bin", seeded.files["weights/model.bin"]);
	});

	it("a 1,000,000-byte text file goes to LFS (the library's own commit.spec case)", async (t) => {
		const { repo } = await makeRepo(t, { label: "lfs-text" });
		const content = Buffer.from("O123456789".repeat(100_000));
		await commit({
			...auth,
			repo,
			title: "Add text lfs",
			operations: [{ operation: "addOrUpdate", path: "test.lfs.txt", content: new Blob([content]) }],
		});
		assert.equal(sha256Hex(content), "a3bbce7ee1df7233d85b5f4d60faa3755f93f537804f8b540c72b0739239ddf8");
		await assertLfsFile(repo, "test.lfs.txt", content);
	});

	it("a file matching a filter=lfs rule of .gitattributes goes to LFS even when small", async (t) => {
		const { repo } = await makeRepo(t, { label: "gitattr" });
		const small = Buffer.from("tiny but tracked by LFS\n");
		// .gitattributes in the same commit: the client sends it as preupload `gitAttributes`.
		await commit({
			...auth,
			repo,
			title: "Track *.dat",
			operations: [
				{ operation: "addOrUpdate", path: ".gitattributes", content: new Blob(["*.dat filter=lfs diff=lfs merge=lfs -text\n"]) },
				{ operation: "addOrUpdate", path: "small.dat", content: new Blob([small]) },
			],
		});
		await assertLfsFile(repo, "small.dat", small);
		// A later commit without .gitattributes: the rule of the branch applies.
		const other = Buffer.from("another small tracked file\n");
		await uploadFile({ ...auth, repo, file: { path: "sub/other.dat", content: new Blob([other]) } });
		await assertLfsFile(repo, "sub/other.dat", other);
	});

	it("uploadFiles accepts File objects and {path, content}; default title `Add N files`", async (t) => {
		const { repo } = await makeRepo(t, { label: "uploadfiles" });
		const a = Buffer.from("from a File object\n");
		const big = binaryBytes(1_100_000);
		const out = await uploadFiles({
			...auth,
			repo,
			files: [
				new File([a], "file-object.txt"),
				{ path: "nested/dir/big.bin", content: new Blob([big]) },
			],
		});
		assert.match(out.commit.oid, SHA1_RE);
		await assertRegularFile(repo, "file-object.txt", a);
		await assertLfsFile(repo, "nested/dir/big.bin", big);
		const [last] = await collect(listCommits({ ...auth, repo }));
		assert.equal(last.title, "Add 2 files");
		assert.equal(last.oid, out.commit.oid);
	});

	it("uploadFile uses `Add <path>` as title and commitTitle/commitDescription when given", async (t) => {
		const { repo } = await makeRepo(t, { label: "uploadfile" });
		await uploadFile({ ...auth, repo, file: { path: "one.txt", content: new Blob(["1"]) } });
		await uploadFile({
			...auth, repo, file: { path: "two.txt", content: new Blob(["2"]) },
			commitTitle: "Custom title", commitDescription: "Longer description\nover two lines",
		});
		const commits = await collect(listCommits({ ...auth, repo }));
		assert.equal(commits[0].title, "Custom title");
		assert.match(commits[0].message, /Longer description/);
		assert.equal(commits[1].title, "Add one.txt");
	});

	it("updating a file keeps the old content reachable at the old commit", async (t) => {
		const seeded = await seedRepo(t, { label: "update" });
		const newNotes = Buffer.from("updated notes\n");
		const newWeights = binaryBytes(1_050_000);
		const out = await commit({
			...auth,
			repo: seeded.repo,
			title: "Update notes and weights",
			operations: [
				{ operation: "addOrUpdate", path: "notes.txt", content: new Blob([newNotes]) },
				{ operation: "addOrUpdate", path: "weights/model.bin", content: new Blob([newWeights]) },
			],
		});
		await assertRegularFile(seeded.repo, "notes.txt", newNotes);
		await assertLfsFile(seeded.repo, "weights/model.bin", newWeights);
		const oldNotes = await downloadFile({ ...auth, repo: seeded.repo, path: "notes.txt", revision: seeded.commitOid });
		assert.ok((await blobBytes(oldNotes)).equals(seeded.files["notes.txt"]));
		const oldWeights = await downloadFile({
			...auth, repo: seeded.repo, path: "weights/model.bin", revision: seeded.commitOid,
		});
		assert.ok((await blobBytes(oldWeights)).equals(seeded.files["weights/model.bin"]));
		const newAtSha = await downloadFile({ ...auth, repo: seeded.repo, path: "notes.txt", revision: out.commit.oid });
		assert.ok((await blobBytes(newAtSha)).equals(newNotes));
	});

	it("the same LFS content under a second path (already stored object) commits fine", async (t) => {
		const seeded = await seedRepo(t, { label: "dedupe" });
		const bytes = seeded.files["weights/model.bin"];
		await uploadFiles({ ...auth, repo: seeded.repo, files: [{ path: "copy/model-copy.bin", content: new Blob([bytes]) }] });
		await assertLfsFile(seeded.repo, "copy/model-copy.bin", bytes);
		await assertLfsFile(seeded.repo, "weights/model.bin", bytes);
	});

	it("an empty file can be committed and downloaded (size 0)", async (t) => {
		const { repo } = await makeRepo(t, { label: "empty" });
		await uploadFiles({ ...auth, repo, files: [{ path: "pkg/__init__.py", content: new Blob([]) }] });
		assert.equal(await fileExists({ ...auth, repo, path: "pkg/__init__.py" }), true);
		const info = await pathInfo(repo, "pkg/__init__.py");
		assert.equal(info.size, 0);
		assert.equal(info.oid, gitBlobSha1(Buffer.alloc(0)));
		const dl = await fileDownloadInfo({ ...auth, repo, path: "pkg/__init__.py" });
		assert.equal(dl.size, 0);
		const blob = await downloadFile({ ...auth, repo, path: "pkg/__init__.py" });
		assert.equal((await blobBytes(blob)).length, 0);
	});

	it("a file larger than the hub's part size goes up in parts, in parallel, then completes", async (t) => {
		// The harness starts the hub with 5 MiB parts: 12 MiB is cut in three. On disk the parts go to
		// the hub (/part/N); on an object store straight to it (its UploadPart URLs, ?partNumber=N).
		const { repo } = await makeRepo(t, { label: "multipart" });
		const bytes = binaryBytes(12 * 1024 * 1024 + 5);
		const seen = [];
		const recording = (url, init) => {
			const u = new URL(url);
			seen.push(`${init?.method ?? "GET"} ${u.pathname}${u.search}`);
			return fetch(url, init);
		};
		await uploadFile({ ...auth, repo, fetch: recording, file: { path: "big/sharded.bin", content: new Blob([bytes]) } });
		const sha = sha256Hex(bytes);
		const partNumber = (r) => (r.match(new RegExp(`/${sha}/part/(\\d+)\\?`)) ?? r.match(/[?&]partNumber=(\d+)/))?.[1];
		const parts = seen.filter((r) => r.startsWith("PUT ") && partNumber(r) !== undefined);
		assert.deepEqual(parts.map(partNumber).sort(), ["1", "2", "3"], seen.join("\n"));
		assert.ok(seen.some((r) => r.startsWith("POST ") && r.includes(`/${sha}/complete?`)), seen.join("\n"));
		await assertLfsFile(repo, "big/sharded.bin", bytes);
	});

	it("paths with spaces, '+', and non-ASCII characters round-trip", async (t) => {
		const { repo } = await makeRepo(t, { label: "paths" });
		const path = "dir with space/a+b ü.txt";
		const bytes = Buffer.from("odd path\n");
		await uploadFiles({ ...auth, repo, files: [{ path, content: new Blob([bytes]) }] });
		assert.equal(await fileExists({ ...auth, repo, path }), true);
		assert.equal(await fileExists({ ...auth, repo, path: "dir with space/a b ü.txt" }), false, "'+' is not a space");
		const blob = await downloadFile({ ...auth, repo, path });
		assert.ok((await blobBytes(blob)).equals(bytes));
		const listed = await collect(listFiles({ ...auth, repo, path: "dir with space" }));
		assert.deepEqual(listed.map((e) => e.path), [path]);
		const info = await pathInfo(repo, path);
		assert.equal(info.size, bytes.length);
	});

	it("mixes deletions and additions in one commit", async (t) => {
		const seeded = await seedRepo(t, { label: "mixed" });
		await commit({
			...auth,
			repo: seeded.repo,
			title: "Swap files",
			operations: [
				{ operation: "delete", path: "notes.txt" },
				{ operation: "delete", path: "weights/model.bin" },
				{ operation: "addOrUpdate", path: "new.txt", content: new Blob(["new"]) },
			],
		});
		assert.equal(await fileExists({ ...auth, repo: seeded.repo, path: "notes.txt" }), false);
		assert.equal(await fileExists({ ...auth, repo: seeded.repo, path: "weights/model.bin" }), false);
		assert.equal(await text(await downloadFile({ ...auth, repo: seeded.repo, path: "new.txt" })), "new");
		const paths = (await collect(listFiles({ ...auth, repo: seeded.repo, recursive: true }))).map((e) => e.path);
		assert.ok(!paths.includes("weights"), `the emptied folder disappears: ${paths}`);
		assert.ok(paths.includes("docs/guide/intro.md"));
	});

	it("parentCommit: matching head succeeds, a stale parent fails with 412", async (t) => {
		const seeded = await seedRepo(t, { label: "parent" });
		const ok = await uploadFiles({
			...auth, repo: seeded.repo, parentCommit: seeded.commitOid,
			files: [{ path: "p1.txt", content: new Blob(["1"]) }],
		});
		assert.match(ok.commit.oid, SHA1_RE);
		await expectHubError(
			uploadFiles({
				...auth, repo: seeded.repo, parentCommit: seeded.commitOid,
				files: [{ path: "p2.txt", content: new Blob(["2"]) }],
			}),
			412,
			"commit with stale parentCommit",
		);
		assert.equal(await fileExists({ ...auth, repo: seeded.repo, path: "p2.txt" }), false);
	});

	it("concurrent commits without parentCommit all land (none lost)", async (t) => {
		const { repo } = await makeRepo(t, { label: "concurrent" });
		const n = 4;
		const outs = await Promise.all(Array.from({ length: n }, (_, i) =>
			uploadFile({ ...auth, repo, file: { path: `c${i}.txt`, content: new Blob([`content ${i}`]) } })));
		assert.equal(new Set(outs.map((o) => o.commit.oid)).size, n, "distinct commits");
		for (let i = 0; i < n; i++) {
			assert.equal(await text(await downloadFile({ ...auth, repo, path: `c${i}.txt` })), `content ${i}`);
		}
		const commits = await collect(listCommits({ ...auth, repo }));
		const oids = new Set(commits.map((c) => c.oid));
		for (const o of outs) assert.ok(oids.has(o.commit.oid), `commit ${o.commit.oid} is in the history`);
	});

	it("committing to a missing branch fails with 404", async (t) => {
		const { repo } = await makeRepo(t, { label: "nobranch" });
		await expectHubError(
			uploadFiles({ ...auth, repo, branch: "does-not-exist", files: [{ path: "x.txt", content: new Blob(["x"]) }] }),
			[400, 404],
			"commit to missing branch",
		);
	});
});

describe("deleteFile / deleteFiles", () => {
	it("deleteFile removes one file with title `Delete <path>`", async (t) => {
		const seeded = await seedRepo(t, { label: "delfile" });
		const out = await deleteFile({ ...auth, repo: seeded.repo, path: "config.json" });
		assert.match(out.commit.oid, SHA1_RE);
		assert.equal(await fileExists({ ...auth, repo: seeded.repo, path: "config.json" }), false);
		assert.equal(await downloadFile({ ...auth, repo: seeded.repo, path: "config.json" }), null);
		assert.equal(await fileExists({ ...auth, repo: seeded.repo, path: "notes.txt" }), true);
		const [last] = await collect(listCommits({ ...auth, repo: seeded.repo }));
		assert.equal(last.title, "Delete config.json");
		assert.equal(last.oid, out.commit.oid);
		// Still there in the previous commit.
		const old = await downloadFile({ ...auth, repo: seeded.repo, path: "config.json", revision: seeded.commitOid });
		assert.ok((await blobBytes(old)).equals(seeded.files["config.json"]));
	});

	it("deleteFiles removes several files (regular, nested, LFS) in one commit", async (t) => {
		const seeded = await seedRepo(t, { label: "delfiles" });
		const out = await deleteFiles({
			...auth, repo: seeded.repo, paths: ["notes.txt", "docs/guide/intro.md", "weights/model.bin"],
		});
		for (const path of ["notes.txt", "docs/guide/intro.md", "weights/model.bin"]) {
			assert.equal(await fileExists({ ...auth, repo: seeded.repo, path }), false, `${path} deleted`);
		}
		assert.equal(await fileExists({ ...auth, repo: seeded.repo, path: "config.json" }), true);
		const commits = await collect(listCommits({ ...auth, repo: seeded.repo }));
		assert.equal(commits[0].title, "Deletes 3 files");
		assert.equal(commits[0].oid, out.commit.oid);
		assert.equal(commits[1].oid, seeded.commitOid);
	});

	it("deleting a missing file fails with 404 and creates no commit", async (t) => {
		const seeded = await seedRepo(t, { label: "delmissing" });
		await expectHubError(deleteFile({ ...auth, repo: seeded.repo, path: "missing.txt" }), 404, "deleteFile(missing)");
		const [last] = await collect(listCommits({ ...auth, repo: seeded.repo }));
		assert.equal(last.oid, seeded.commitOid);
	});
});

