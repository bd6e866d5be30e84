package org.arbor.formats.card;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks card metadata against the Hub's model and dataset card specs (hub-docs modelcard.md and
 * datasetcard.md): the type of each known key, licence ids, tasks, base-model relations, and the
 * model-index structure. Each problem names its key, so the author knows what to fix; unknown keys
 * are allowed, as on the Hub.
 */
public final class CardValidator {
  /** Licence ids the Hub accepts (hub-docs repositories-licenses.md); data, it grows. */
  public static final Set<String> LICENSES = Set.of(
      "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
      "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause",
      "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
      "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0",
      "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0",
      "cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0",
      "etalab-2.0", "eupl-1.1", "eupl-1.2", "agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1",
      "lgpl-3.0", "isc", "h-research", "intel-research", "lppl-1.3c", "ms-pl", "apple-ascl", "apple-amlr", "mpl-2.0",
      "odc-by", "odbl", "openmdw-1.0", "openmdw-1.1", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa",
      "unlicense", "zlib", "pddl", "lgpl-lr", "deepfloyd-if-license", "fair-noncommercial-research-license",
      "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "grok2-community", "gemma", "unknown",
      "other");

  /** Tasks ({@code pipeline_tag}, {@code task_categories}) of huggingface.js pipelines.ts. */
  public static final Set<String> TASKS = Set.of(
      "text-classification", "token-classification", "table-question-answering", "question-answering",
      "zero-shot-classification", "feature-extraction", "text-generation", "fill-mask", "sentence-similarity",
      "text-to-speech", "text-to-audio", "automatic-speech-recognition", "audio-to-audio", "audio-classification",
      "audio-text-to-text", "voice-activity-detection", "depth-estimation", "image-classification",
      "object-detection", "image-segmentation", "text-to-image", "image-to-text", "image-to-image", "image-to-video",
      "unconditional-image-generation", "video-classification", "reinforcement-learning", "tabular-classification",
      "tabular-regression", "tabular-to-text", "table-to-text", "multiple-choice", "text-ranking", "text-retrieval",
      "time-series-forecasting", "text-to-video", "image-text-to-text", "image-text-to-image",
      "image-text-to-video", "visual-question-answering", "document-question-answering",
      "zero-shot-image-classification", "graph-ml", "mask-generation", "zero-shot-object-detection", "text-to-3d",
      "image-to-3d", "image-feature-extraction", "video-text-to-text", "keypoint-detection",
      "visual-document-retrieval", "any-to-any", "video-to-video", "summarization", "translation",
      "text2text-generation", "conversational", "robotics", "other");

  public static final Set<String> RELATIONS = Set.of("adapter", "merge", "quantized", "finetune");
  private static final Set<String> SIZE_CATEGORIES = Set.of("n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M",
      "1M<n<10M", "10M<n<100M", "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T", "n>1T", "other");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*|multilingual|code");
  private static final Pattern REPO_ID = Pattern.compile("([A-Za-z0-9_.-]+/)?[A-Za-z0-9_.-]+");

  private CardValidator() {}

  /** The problems of a card's metadata; {@code dataset} selects the dataset card rules. Empty if valid. */
  public static List<String> problems(Map<String, Object> metadata, boolean dataset) {
    List<String> out = new ArrayList<>();
    Object license = metadata.get("license");
    if (license != null) {
      for (String id : strings(out, "license", license)) {
        if (!LICENSES.contains(id)) {
          out.add("license: '" + id + "' is not a licence id the Hub knows; use one of its ids (apache-2.0, mit, "
              + "cc-by-4.0, …) or 'other' with license_name and license_link");
        }
      }
      if ("other".equals(license) && !(metadata.get("license_name") instanceof String)) {
        out.add("license_name: required with license: other (a short id for your licence, e.g. my-license-1.0)");
      }
    }
    optionalString(out, metadata, "license_name");
    optionalString(out, metadata, "license_link");
    optionalString(out, metadata, "library_name");
    for (String language : strings(out, "language", metadata.get("language"))) {
      if (!LANGUAGE.matcher(language).matches()) {
        out.add("language: '" + language + "' is not an ISO 639-1 or 639-3 code (e.g. en, fr, yue)");
      }
    }
    strings(out, "tags", metadata.get("tags"));
    strings(out, "datasets", metadata.get("datasets"));
    strings(out, "metrics", metadata.get("metrics"));
    for (String base : strings(out, "base_model", metadata.get("base_model"))) {
      if (!REPO_ID.matcher(base).matches()) {
        out.add("base_model: '" + base + "' is not a model id (namespace/name)");
      }
    }
    Object relation = metadata.get("base_model_relation");
    if (relation != null && !RELATIONS.contains(String.valueOf(relation))) {
      out.add("base_model_relation: '" + relation + "' must be one of adapter, merge, quantized, finetune");
    }
    if (relation != null && metadata.get("base_model") == null) {
      out.add("base_model_relation: given without base_model");
    }
    Object task = metadata.get("pipeline_tag");
    if (task != null && !TASKS.contains(String.valueOf(task))) {
      out.add("pipeline_tag: '" + task + "' is not a known task (e.g. text-generation, text-classification)");
    }
    Object inference = metadata.get("inference");
    if (inference != null && !(inference instanceof Boolean) && !(inference instanceof Map<?, ?>)) {
      out.add("inference: must be true or false");
    }
    Object gatedFields = metadata.get("extra_gated_fields");
    if (gatedFields != null && !(gatedFields instanceof Map<?, ?>)) {
      out.add("extra_gated_fields: must be a mapping of field label to type");
    }
    modelIndex(out, metadata.get("model-index"));
    if (dataset) {
      for (String category : strings(out, "task_categories", metadata.get("task_categories"))) {
        if (!TASKS.contains(category)) {
          out.add("task_categories: '" + category + "' is not a known task");
        }
      }
      for (String size : strings(out, "size_categories", metadata.get("size_categories"))) {
        if (!SIZE_CATEGORIES.contains(size)) {
          out.add("size_categories: '" + size + "' must be one of " + String.join(", ", SIZE_CATEGORIES));
        }
      }
      configs(out, metadata.get("configs"));
    }
    return out;
  }

  private static void modelIndex(List<String> out, Object index) {
    if (index == null) {
      return;
    }
    if (!(index instanceof List<?> models)) {
      out.add("model-index: must be a list of {name, results}");
      return;
    }
    for (int m = 0; m < models.size(); m++) {
      String at = "model-index[" + m + "]";
      if (!(models.get(m) instanceof Map<?, ?> model)) {
        out.add(at + ": must be a mapping with name and results");
        continue;
      }
      if (!(model.get("name") instanceof String)) {
        out.add(at + ".name: required");
      }
      if (!(model.get("results") instanceof List<?> results)) {
        out.add(at + ".results: required, a list");
        continue;
      }
      for (int r = 0; r < results.size(); r++) {
        String rat = at + ".results[" + r + "]";
        if (!(results.get(r) instanceof Map<?, ?> result)) {
          out.add(rat + ": must be a mapping with task, dataset and metrics");
          continue;
        }
        if (!(result.get("task") instanceof Map<?, ?> t) || !(t.get("type") instanceof String)) {
          out.add(rat + ".task.type: required");
        }
        if (!(result.get("dataset") instanceof Map<?, ?> d) || !(d.get("type") instanceof String)
            || !(d.get("name") instanceof String)) {
          out.add(rat + ".dataset: type and name are required");
        }
        if (!(result.get("metrics") instanceof List<?> metrics) || metrics.isEmpty()) {
          out.add(rat + ".metrics: required, a non-empty list");
        } else {
          for (int k = 0; k < metrics.size(); k++) {
            if (!(metrics.get(k) instanceof Map<?, ?> metric) || !(metric.get("type") instanceof String)
                || !metric.containsKey("value")) {
              out.add(rat + ".metrics[" + k + "]: type and value are required");
            }
          }
        }
      }
    }
  }

  private static void configs(List<String> out, Object configs) {
    if (configs == null) {
      return;
    }
    if (!(configs instanceof List<?> list)) {
      out.add("configs: must be a list of {config_name, data_files}");
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> config) || !(config.get("config_name") instanceof String)) {
        out.add("configs[" + i + "].config_name: required");
      }
    }
  }

  private static void optionalString(List<String> out, Map<String, Object> metadata, String key) {
    Object value = metadata.get(key);
    if (value != null && !(value instanceof String)) {
      out.add(key + ": must be a string");
    }
  }

  /** A key that may be one string or a list of strings; reports anything else. */
  private static List<String> strings(List<String> out, String key, Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof List<?> list) {
      List<String> strings = new ArrayList<>();
      for (Object item : list) {
        if (item instanceof String s) {
          strings.add(s);
        } else {
          out.add(key + ": every entry must be a string, found " + item);
        }
      }
      return strings;
    }
    out.add(key + ": must be a string or a list of strings");
    return List.of();
  }
}
