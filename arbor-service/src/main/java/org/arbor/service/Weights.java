package org.arbor.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.AnalysisRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;

/**
 * What the weights of a revision are, from the inspected headers: totals for repo info, a file's
 * tensor table, what changed between two revisions, and whether the model fits in memory.
 */
public final class Weights {
  static final String TENSOR_HASHES = "tensor-sha256-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private final Access access;
  private final WeightInspector inspector;
  private final AnalysisRows rows;
  private final BlobStore blobs;
  private final Clock clock;

  public Weights(Access access, WeightInspector inspector, AnalysisRows rows, BlobStore blobs, Clock clock) {
    this.access = access;
    this.inspector = inspector;
    this.rows = rows;
    this.blobs = blobs;
    this.clock = clock;
  }

  /** The Hub's {@code safetensors} block: parameters by dtype and in total. */
  public record SafetensorsTotals(Map<String, Long> parameters, long total) {}

  /** The Hub's {@code gguf} block. */
  public record GgufInfo(long total, String architecture, Long contextLength, String chatTemplate, String bosToken,
      String eosToken) {}

  /** The Hub's {@code transformersInfo} block, derived from config.json's architectures. */
  public record TransformersInfo(String autoModel, String pipelineTag, String processor) {}

  /** Everything repo info shows about the weights of a revision; parts are null when unknown. */
  public record WeightsInfo(SafetensorsTotals safetensors, GgufInfo gguf, Map<String, Object> config,
      TransformersInfo transformersInfo) {}

  /** Repo-level weight facts of the files at a commit, from stored inspections (nothing is parsed here). */
  WeightsInfo forRevision(GitRepo git, List<GitEntry> files, String pipelineTag) throws IOException {
    Map<String, Long> byDtype = new TreeMap<>();
    boolean anySafetensors = false;
    GgufInfo gguf = null;
    List<GitEntry> candidates = files.stream().filter(f -> WeightInspector.isCandidate(f.path())).toList();
    for (WeightSummary s : inspector.summaries(git, candidates).values()) {
      if (s.format().equals("safetensors")) {
        anySafetensors = true;
        s.parametersByDtype().forEach((dtype, n) -> byDtype.merge(dtype, n, Long::sum));
      } else if (s.format().equals("gguf") && gguf == null) {
        gguf = new GgufInfo(s.parameters(), s.architecture(), s.contextLength(), s.chatTemplate(), s.bosToken(),
            s.eosToken());
      }
    }
    SafetensorsTotals safetensors = anySafetensors
        ? new SafetensorsTotals(byDtype, byDtype.values().stream().mapToLong(Long::longValue).sum())
        : null;
    Map<String, Object> config = config(git, files).orElse(null);
    return new WeightsInfo(safetensors, gguf, config, transformersInfo(config, pipelineTag));
  }

  /** A weight file's full inspection: tensor table and metadata. Inspects it now if the worker has not yet. */
  public WeightSummary file(Caller caller, RepoType type, RepoId id, String revision, RepoPath path)
      throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash commit = RepoFiles.commitAt(repo, revision);
    GitEntry entry = repo.git().entry(commit, path.value()).filter(e -> !e.isDirectory())
        .orElseThrow(() -> HubException.entryNotFound("Entry not found", commit));
    if (!WeightInspector.isCandidate(entry.path())) {
      throw HubException.badRequest(path + " is not a weight file Arbor inspects "
          + "(safetensors, gguf, onnx, pytorch zip, npy)");
    }
    Optional<WeightSummary> summary = inspector.summaryNow(repo.git(), entry);
    if (summary.isPresent()) {
      return summary.get();
    }
    throw HubException.badRequest(inspector.error(repo.git(), entry)
        .orElse(path + " is not a recognised weight file"));
  }

  /** One tensor's change between two revisions. */
  public record TensorChange(String name, String change, WeightSummary.Tensor before, WeightSummary.Tensor after) {}

  /** What changed in the tensors between two revisions, compared by name; content by a hash of each tensor's bytes. */
  public record Diff(GitHash from, GitHash to, List<TensorChange> changes, int unchanged) {}

  public Diff diff(Caller caller, RepoType type, RepoId id, String fromRevision, String toRevision) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash from = RepoFiles.commitAt(repo, fromRevision);
    GitHash to = RepoFiles.commitAt(repo, toRevision);
    Map<String, Located> before = tensors(repo.git(), from);
    Map<String, Located> after = tensors(repo.git(), to);
    List<TensorChange> changes = new ArrayList<>();
    int unchanged = 0;
    for (Map.Entry<String, Located> e : before.entrySet()) {
      Located b = e.getValue();
      Located a = after.get(e.getKey());
      if (a == null) {
        changes.add(new TensorChange(e.getKey(), "removed", b.tensor(), null));
      } else if (!a.tensor().dtype().equals(b.tensor().dtype())) {
        changes.add(new TensorChange(e.getKey(), "retyped", b.tensor(), a.tensor()));
      } else if (!a.tensor().shape().equals(b.tensor().shape())) {
        changes.add(new TensorChange(e.getKey(), "reshaped", b.tensor(), a.tensor()));
      } else if (!sameContent(repo.git(), b, a)) {
        changes.add(new TensorChange(e.getKey(), "changed", b.tensor(), a.tensor()));
      } else {
        unchanged++;
      }
    }
    for (Map.Entry<String, Located> e : after.entrySet()) {
      if (!before.containsKey(e.getKey())) {
        changes.add(new TensorChange(e.getKey(), "added", null, e.getValue().tensor()));
      }
    }
    return new Diff(from, to, changes, unchanged);
  }

  /** Fit estimates for each weight variant of a revision. */
  public record FitReport(GitHash commit, long budgetBytes, long context, List<FitEstimator.Estimate> variants) {}

  public FitReport fit(Caller caller, RepoType type, RepoId id, String revision, long budget, Long context)
      throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash commit = RepoFiles.commitAt(repo, revision);
    List<GitEntry> files = repo.git().files(commit);
    Optional<Map<String, Object>> config = config(repo.git(), files);
    Optional<FitEstimator.Shape> configShape = config.flatMap(FitEstimator::fromConfig);
    List<FitEstimator.Estimate> variants = new ArrayList<>();
    long safetensorsBytes = 0;
    long safetensorsParams = 0;
    long chosenContext = context != null ? context : configShape.map(FitEstimator.Shape::maxContext)
        .filter(c -> c != null).orElse(4096L);
    for (GitEntry file : files) {
      if (!WeightInspector.isCandidate(file.path())) {
        continue;
      }
      Optional<WeightSummary> summary = inspector.summaryNow(repo.git(), file);
      if (summary.isEmpty()) {
        continue;
      }
      WeightSummary s = summary.get();
      long bytes = s.tensors().stream().mapToLong(t -> Math.max(0, t.end() - t.begin())).sum();
      if (s.format().equals("safetensors")) {
        safetensorsBytes += bytes;
        safetensorsParams += s.parameters();
      } else if (s.format().equals("gguf")) {
        Optional<FitEstimator.Shape> shape = FitEstimator.fromGguf(s.metadata(), s.architecture()).or(() -> configShape);
        long ctx = context != null ? context : shape.map(FitEstimator.Shape::maxContext).filter(c -> c != null)
            .orElse(chosenContext);
        variants.add(FitEstimator.estimate(file.path(), bytes, shape, ctx, budget));
      }
    }
    if (safetensorsParams > 0) {
      variants.add(FitEstimator.estimate("safetensors (as stored)", safetensorsBytes, configShape, chosenContext, budget));
      variants.add(FitEstimator.estimate("safetensors at 16-bit", safetensorsParams * 2, configShape, chosenContext, budget));
      variants.add(FitEstimator.estimate("safetensors at 8-bit", safetensorsParams, configShape, chosenContext, budget));
      variants.add(FitEstimator.estimate("safetensors at 4-bit", safetensorsParams / 2, configShape, chosenContext, budget));
    }
    if (variants.isEmpty()) {
      throw HubException.badRequest("No inspected weights at " + revision + ": nothing to estimate");
    }
    return new FitReport(commit, budget, chosenContext, variants);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A tensor and the file that holds it. */
  private record Located(GitEntry file, WeightSummary.Tensor tensor) {}

  private Map<String, Located> tensors(GitRepo git, GitHash commit) throws IOException {
    Map<String, Located> out = new LinkedHashMap<>();
    for (GitEntry file : git.files(commit)) {
      if (WeightInspector.isCandidate(file.path())) {
        Optional<WeightSummary> summary = inspector.summaryNow(git, file);
        if (summary.isPresent()) {
          String prefix = summary.get().format().equals("gguf") || summary.get().format().equals("onnx")
              ? file.path() + ":" : "";
          for (WeightSummary.Tensor t : summary.get().tensors()) {
            out.put(prefix + t.name(), new Located(file, t));
          }
        }
      }
    }
    return out;
  }

  private boolean sameContent(GitRepo git, Located before, Located after) throws IOException {
    if (before.file().oid().equals(after.file().oid())) {
      return true; // same file bytes
    }
    Optional<String> a = tensorHash(git, before);
    Optional<String> b = tensorHash(git, after);
    return a.isPresent() && a.equals(b);
  }

  /** The SHA-256 of a tensor's bytes; all tensor hashes of a file are computed once and kept by file SHA-256. */
  private Optional<String> tensorHash(GitRepo git, Located located) throws IOException {
    if (located.file().lfs().isEmpty() || located.tensor().begin() < 0) {
      return Optional.empty();
    }
    Sha256 oid = located.file().lfs().get().oid();
    Optional<AnalysisRows.Inspection> stored = rows.inspection(oid.hex(), TENSOR_HASHES);
    Map<String, String> hashes;
    if (stored.isPresent() && stored.get().result() != null) {
      hashes = JSON.readValue(stored.get().result(), STRINGS);
    } else {
      hashes = hashTensors(oid, inspector.summary(git, located.file()).orElseThrow().tensors());
      rows.saveInspection(new AnalysisRows.Inspection(oid.hex(), TENSOR_HASHES, "tensor-hashes",
          JSON.writeValueAsString(hashes), null), clock.instant());
    }
    return Optional.ofNullable(hashes.get(located.tensor().name()));
  }

  private Map<String, String> hashTensors(Sha256 oid, List<WeightSummary.Tensor> tensors) throws IOException {
    Map<String, String> out = new TreeMap<>();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (SeekableByteChannel channel = blobs.open(oid)) {
      for (WeightSummary.Tensor t : tensors) {
        if (t.begin() < 0 || t.end() < t.begin()) {
          continue;
        }
        MessageDigest digest = Sha256.newDigest();
        channel.position(t.begin());
        long remaining = t.end() - t.begin();
        while (remaining > 0) {
          buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
          int n = channel.read(buffer);
          if (n < 0) {
            break;
          }
          digest.update(buffer.array(), 0, n);
          remaining -= n;
        }
        out.put(t.name(), HexFormat.of().formatHex(digest.digest()));
      }
    }
    return out;
  }

  private static Optional<Map<String, Object>> config(GitRepo git, List<GitEntry> files) throws IOException {
    for (GitEntry file : files) {
      if (file.path().equals("config.json") && file.lfs().isEmpty() && file.size() <= MAX_CONFIG_BYTES) {
        try {
          return Optional.of(JSON.readValue(
              new String(git.readBlob(file.oid(), MAX_CONFIG_BYTES), StandardCharsets.UTF_8), MAP));
        } catch (IOException e) {
          return Optional.empty(); // not JSON: no config to show
        }
      }
    }
    return Optional.empty();
  }

  /** transformers' AutoModel class for the first of config.json's architectures, the way the Hub derives it. */
  static TransformersInfo transformersInfo(Map<String, Object> config, String pipelineTag) {
    if (config == null || !(config.get("architectures") instanceof List<?> list) || list.isEmpty()
        || !(list.get(0) instanceof String architecture)) {
      return null;
    }
    String[][] suffixes = {
        {"ForCausalLM", "AutoModelForCausalLM"}, {"LMHeadModel", "AutoModelForCausalLM"},
        {"ForMaskedLM", "AutoModelForMaskedLM"}, {"ForSequenceClassification", "AutoModelForSequenceClassification"},
        {"ForTokenClassification", "AutoModelForTokenClassification"},
        {"ForQuestionAnswering", "AutoModelForQuestionAnswering"},
        {"ForConditionalGeneration", "AutoModelForSeq2SeqLM"}, {"ForImageClassification", "AutoModelForImageClassification"},
        {"ForCTC", "AutoModelForCTC"}, {"Model", "AutoModel"}};
    for (String[] s : suffixes) {
      if (architecture.endsWith(s[0])) {
        return new TransformersInfo(s[1], pipelineTag, "AutoTokenizer");
      }
    }
    return new TransformersInfo("AutoModel", pipelineTag, "AutoTokenizer");
  }
}
