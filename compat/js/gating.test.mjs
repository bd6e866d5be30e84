// Gated repositories through @huggingface/hub: metadata stays readable, files need an accepted request.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { downloadFile, fileDownloadInfo, modelInfo, repoExists } from "@huggingface/hub";
import { HUB_URL, TOKEN, OTHER_USER, OTHER_TOKEN, seedRepo, expectHubError } from "./helpers.mjs";

async function api(method, path, token, body) {
	const res = await fetch(`${HUB_URL}${path}`, {
		method,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
	return res.json();
}

describe("gated repositories", () => {
	it("metadata is public, files need an accepted access request", async (t) => {
		const s = await seedRepo(t, { label: "gated" });
		await api("PUT", `/api/models/${s.name}/settings`, TOKEN, { gated: "manual" });
		const other = { hubUrl: HUB_URL, accessToken: OTHER_TOKEN };

		const info = await modelInfo({ ...other, name: s.name, additionalFields: ["gated"] });
		assert.equal(info.gated, "manual");
		assert.equal(await repoExists({ ...other, repo: s.repo }), true);
		await expectHubError(fileDownloadInfo({ ...other, repo: s.repo, path: "notes.txt" }), 403, "gated download");
		await expectHubError(downloadFile({ hubUrl: HUB_URL, repo: s.repo, path: "notes.txt" }), 401, "anonymous download");

		const asked = await api("POST", `/${s.name}/ask-access`, OTHER_TOKEN, { fields: { Purpose: "research" } });
		assert.equal(asked.status, "pending");
		await expectHubError(fileDownloadInfo({ ...other, repo: s.repo, path: "notes.txt" }), 403, "still pending");
		await api("POST", `/api/models/${s.name}/user-access-request/handle`, TOKEN, { user: OTHER_USER, status: "accepted" });

		const blob = await downloadFile({ ...other, repo: s.repo, path: "notes.txt" });
		assert.ok(blob, "accepted: the file downloads");
		assert.ok((await blob.text()).length > 0);
	});
});
