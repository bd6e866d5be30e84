// listCommits / countCommits / createBranch / deleteBranch.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
	listCommits, countCommits, createBranch, deleteBranch, uploadFiles, uploadFile, downloadFile, listFiles, modelInfo,
	datasetInfo, fileExists, commit,
} from "@huggingface/hub";
import {
	USER, hub, auth, makeRepo, seedRepo, expectHubError, blobBytes, collect, randomSuffix, SHA1_RE,
} from "./helpers.mjs";

async function text(blob) {
	return (await blobBytes(blob)).toString("utf8");
}

describe("listCommits", () => {
	it("lists commits newest first with ids, titles, authors and dates", async (t) => {
		const { repo } = await makeRepo(t, { label: "commits" });
		const titles = ["First change", "Second change", "Third change"];
		const oids = [];
		for (const [i, title] of titles.entries()) {
			const out = await uploadFiles({
				...auth, repo, commitTitle: title, files: [{ path: `f${i}.txt`, content: new Blob([`${i}`]) }],
			});
			oids.push(out.commit.oid);
		}
		const commits = await collect(listCommits({ ...auth, repo }));
		assert.ok(commits.length >= 3, `at least our 3 commits: ${commits.length}`);
		assert.deepEqual(commits.slice(0, 3).map((c) => c.title), [...titles].reverse());
		assert.deepEqual(commits.slice(0, 3).map((c) => c.oid), [...oids].reverse());
		for (const c of commits) {
			assert.match(c.oid, SHA1_RE);
			assert.ok(c.date instanceof Date && !Number.isNaN(c.date.getTime()), "date parses");
			assert.equal(typeof c.message, "string");
		}
		for (let i = 1; i < commits.length; i++) {
			assert.ok(commits[i - 1].date >= commits[i].date, "dates never increase going back in history");
		}
		for (const c of commits.slice(0, 3)) {
			assert.deepEqual(c.authors.map((a) => a.username), [USER], "author is the token's user");
		}
		assert.equal(new Set(commits.map((c) => c.oid)).size, commits.length, "no duplicates");
		// modelInfo sha is the newest commit.
		const info = await modelInfo({ ...auth, name: repo.name, additionalFields: ["sha"] });
		assert.equal(info.sha, commits[0].oid);
		// Anonymous listing of a public repo is the same.
		const anon = await collect(listCommits({ ...hub, repo }));
		assert.deepEqual(anon.map((c) => c.oid), commits.map((c) => c.oid));
	});

	it("paginates with a small batchSize (Link header) without losing or repeating commits", async (t) => {
		const { repo } = await makeRepo(t, { label: "commits-page" });
		for (let i = 0; i < 4; i++) {
			await uploadFile({ ...auth, repo, file: { path: `p${i}.txt`, content: new Blob([`${i}`]) } });
		}
		const all = await collect(listCommits({ ...auth, repo }));
		const paged = await collect(listCommits({ ...auth, repo, batchSize: 2 }));
		assert.deepEqual(paged.map((c) => c.oid), all.map((c) => c.oid));
		assert.deepEqual(paged.slice(0, 4).map((c) => c.title), ["Add p3.txt", "Add p2.txt", "Add p1.txt", "Add p0.txt"]);
	});

	it("countCommits matches the number of listed commits", async (t) => {
		const s = await seedRepo(t, { label: "count" });
		await uploadFiles({ ...auth, repo: s.repo, files: [{ path: "c.txt", content: new Blob(["c"]) }] });
		const all = await collect(listCommits({ ...auth, repo: s.repo }));
		assert.equal(await countCommits({ ...auth, repo: s.repo }), all.length);
	});

	it("lists a dataset's commits and an older revision's history", async (t) => {
		const s = await seedRepo(t, { type: "dataset", label: "commits-ds" });
		const out = await uploadFiles({ ...auth, repo: s.repo, commitTitle: "Later", files: [{ path: "l.txt", content: new Blob(["l"]) }] });
		const commits = await collect(listCommits({ ...auth, repo: s.repo }));
		assert.equal(commits[0].oid, out.commit.oid);
		assert.equal(commits[0].title, "Later");
		assert.equal(commits[1].oid, s.commitOid);
		assert.equal(commits[1].title, s.title);
		const older = await collect(listCommits({ ...auth, repo: s.repo, revision: s.commitOid }));
		assert.equal(older[0].oid, s.commitOid);
		assert.deepEqual(older.map((c) => c.oid), commits.slice(1).map((c) => c.oid));
	});

	it("a missing revision fails with 404", async (t) => {
		const { repo } = await makeRepo(t, { label: "commits-missing" });
		await expectHubError(collect(listCommits({ ...auth, repo, revision: "nope" })), 404, "listCommits(missing rev)");
	});
});

describe("createBranch / deleteBranch", () => {
	it("creates a branch from the default branch; commits there leave main untouched", async (t) => {
		const s = await seedRepo(t, { label: "branch" });
		await createBranch({ ...auth, repo: s.repo, branch: "dev" });
		const devInfo = await modelInfo({ ...auth, name: s.name, revision: "dev", additionalFields: ["sha"] });
		assert.equal(devInfo.sha, s.commitOid, "new branch points at the default branch head");
		assert.equal(await text(await downloadFile({ ...auth, repo: s.repo, path: "notes.txt", revision: "dev" })),
			s.files["notes.txt"].toString());

		const out = await uploadFiles({
			...auth, repo: s.repo, branch: "dev", commitTitle: "Dev only",
			files: [{ path: "dev.txt", content: new Blob(["dev"]) }],
		});
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "dev.txt", revision: "dev" }), true);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "dev.txt" }), false, "main does not see it");
		const devCommits = await collect(listCommits({ ...auth, repo: s.repo, revision: "dev" }));
		assert.equal(devCommits[0].oid, out.commit.oid);
		assert.equal(devCommits[0].title, "Dev only");
		const mainCommits = await collect(listCommits({ ...auth, repo: s.repo }));
		assert.equal(mainCommits[0].oid, s.commitOid);
	});

	it("branch names with a slash work for commit, download, listFiles, listCommits, modelInfo and delete", async (t) => {
		const s = await seedRepo(t, { label: "branch-slash" });
		const branch = `feature/x-${randomSuffix(6)}`;
		await createBranch({ ...auth, repo: s.repo, branch });
		const big = Buffer.alloc(1_100_000, 7);
		const out = await commit({
			...auth, repo: s.repo, branch, title: "On feature",
			operations: [
				{ operation: "addOrUpdate", path: "feature.txt", content: new Blob(["feature"]) },
				{ operation: "addOrUpdate", path: "feature.bin", content: new Blob([big]) },
			],
		});
		assert.equal(await text(await downloadFile({ ...auth, repo: s.repo, path: "feature.txt", revision: branch })), "feature");
		assert.ok((await blobBytes(await downloadFile({ ...auth, repo: s.repo, path: "feature.bin", revision: branch }))).equals(big));
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "feature.txt", revision: branch }), true);
		const files = (await collect(listFiles({ ...auth, repo: s.repo, revision: branch }))).map((e) => e.path);
		assert.ok(files.includes("feature.txt") && files.includes("config.json"), `listFiles on ${branch}: ${files}`);
		const nested = await collect(listFiles({ ...auth, repo: s.repo, revision: branch, path: "docs/guide" }));
		assert.deepEqual(nested.map((e) => e.path), ["docs/guide/intro.md"]);
		const commits = await collect(listCommits({ ...auth, repo: s.repo, revision: branch }));
		assert.equal(commits[0].oid, out.commit.oid);
		assert.equal(commits[0].title, "On feature");
		const info = await modelInfo({ ...auth, name: s.name, revision: branch, additionalFields: ["sha"] });
		assert.equal(info.sha, out.commit.oid);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "feature.txt" }), false, "not on main");

		await deleteBranch({ ...auth, repo: s.repo, branch });
		await expectHubError(
			downloadFile({ ...auth, repo: s.repo, path: "feature.txt", revision: branch }), 404, "download from deleted branch",
		);
		await expectHubError(
			modelInfo({ ...auth, name: s.name, revision: branch }), 404, "modelInfo on deleted branch",
		);
		assert.ok(await downloadFile({ ...auth, repo: s.repo, path: "config.json" }), "main is intact");
	});

	it("revision (startingPoint) creates a branch at an older commit", async (t) => {
		const s = await seedRepo(t, { label: "branch-rev" });
		await uploadFiles({ ...auth, repo: s.repo, files: [{ path: "newer.txt", content: new Blob(["n"]) }] });
		await createBranch({ ...auth, repo: s.repo, branch: "from-old", revision: s.commitOid });
		const info = await modelInfo({ ...auth, name: s.name, revision: "from-old", additionalFields: ["sha"] });
		assert.equal(info.sha, s.commitOid);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "newer.txt", revision: "from-old" }), false);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "notes.txt", revision: "from-old" }), true);
		// Starting from another branch by name.
		await createBranch({ ...auth, repo: s.repo, branch: "from-branch", revision: "from-old" });
		const info2 = await modelInfo({ ...auth, name: s.name, revision: "from-branch", additionalFields: ["sha"] });
		assert.equal(info2.sha, s.commitOid);
	});

	it("empty: true creates a branch without the default branch's files", async (t) => {
		const s = await seedRepo(t, { label: "branch-empty" });
		await createBranch({ ...auth, repo: s.repo, branch: "empty-branch", empty: true });
		assert.equal(await downloadFile({ ...auth, repo: s.repo, path: "notes.txt", revision: "empty-branch" }), null);
		// One can commit onto it.
		await uploadFiles({
			...auth, repo: s.repo, branch: "empty-branch", files: [{ path: "only.txt", content: new Blob(["only"]) }],
		});
		const files = (await collect(listFiles({ ...auth, repo: s.repo, revision: "empty-branch", recursive: true })))
			.filter((e) => e.type === "file").map((e) => e.path);
		assert.deepEqual(files, ["only.txt"]);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "notes.txt" }), true, "main intact");
	});

	it("overwrite: true resets an existing branch", async (t) => {
		const s = await seedRepo(t, { label: "branch-over" });
		await createBranch({ ...auth, repo: s.repo, branch: "ow" });
		await createBranch({ ...auth, repo: s.repo, branch: "ow", overwrite: true, empty: true });
		assert.equal(await downloadFile({ ...auth, repo: s.repo, path: "notes.txt", revision: "ow" }), null);
	});

	it("creating an existing branch fails with 409", async (t) => {
		const s = await seedRepo(t, { label: "branch-409" });
		await createBranch({ ...auth, repo: s.repo, branch: "twice" });
		await expectHubError(createBranch({ ...auth, repo: s.repo, branch: "twice" }), 409, "createBranch(existing)");
		await expectHubError(createBranch({ ...auth, repo: s.repo, branch: "main" }), 409, "createBranch(main)");
	});

	it("creating a branch from a missing revision fails with 404 (or 400)", async (t) => {
		const s = await seedRepo(t, { label: "branch-badrev" });
		await expectHubError(
			createBranch({ ...auth, repo: s.repo, branch: "x", revision: "no-such-rev" }), [400, 404], "createBranch(bad start)",
		);
	});

	it("deleteBranch removes a branch; deleting a missing branch fails with 404", async (t) => {
		const s = await seedRepo(t, { type: "dataset", label: "branch-del" });
		await createBranch({ ...auth, repo: s.repo, branch: "to-delete" });
		const before = await datasetInfo({ ...auth, name: s.name, revision: "to-delete", additionalFields: ["sha"] });
		assert.equal(before.sha, s.commitOid);
		await deleteBranch({ ...auth, repo: s.repo, branch: "to-delete" });
		await expectHubError(datasetInfo({ ...auth, name: s.name, revision: "to-delete" }), 404, "datasetInfo(deleted branch)");
		await expectHubError(deleteBranch({ ...auth, repo: s.repo, branch: "to-delete" }), 404, "deleteBranch(missing)");
		// Re-creating after deletion works.
		await createBranch({ ...auth, repo: s.repo, branch: "to-delete" });
	});

	it("the default branch cannot be deleted", async (t) => {
		const s = await seedRepo(t, { label: "branch-main" });
		await expectHubError(deleteBranch({ ...auth, repo: s.repo, branch: "main" }), [400, 403, 409], "deleteBranch(main)");
		assert.ok(await downloadFile({ ...auth, repo: s.repo, path: "notes.txt" }), "main still there");
	});
});
