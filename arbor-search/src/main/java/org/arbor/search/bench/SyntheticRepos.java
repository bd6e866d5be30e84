package org.arbor.search.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.arbor.search.RepoDocument;

/**
 * A reproducible stream of realistic repositories for benchmarks: model families and sizes in
 * the names, skewed owners, tasks, libraries, licences, languages and formats drawn with
 * Hub-like frequencies, power-law downloads, a few private repositories, and card prose.
 */
public final class SyntheticRepos {
  static final String[] FAMILIES = {"llama", "mistral", "qwen", "gemma", "phi", "bert", "roberta", "deberta", "t5",
      "bart", "whisper", "wav2vec2", "clip", "vit", "resnet", "stable-diffusion", "sdxl", "flux", "falcon", "gpt2",
      "opt", "bloom", "mpt", "yi", "deepseek", "olmo", "smollm", "minilm", "mpnet", "e5", "bge", "distilbert",
      "electra", "xlm-roberta", "marian", "nllb", "segformer", "detr", "yolos", "blip", "llava", "idefics"};
  static final String[] SIZES = {"", "tiny", "small", "base", "large", "xl", "0.5b", "1b", "1.5b", "3b", "7b", "8b",
      "13b", "14b", "32b", "70b", "72b", "405b"};
  static final String[] SUFFIXES = {"", "", "", "instruct", "chat", "it", "gguf", "awq", "gptq", "lora", "finetuned",
      "v2", "v0.1", "uncased", "cased", "squad", "imdb", "sst2", "ner", "onnx", "mlx", "4bit", "8bit", "dpo", "sft"};
  static final String[] TASKS = {"text-generation", "text-classification", "token-classification",
      "fill-mask", "question-answering", "summarization", "translation", "feature-extraction",
      "sentence-similarity", "automatic-speech-recognition", "image-classification", "object-detection",
      "text-to-image", "image-to-text", "zero-shot-classification", "text2text-generation", "image-segmentation",
      "audio-classification", "text-to-speech", "visual-question-answering"};
  static final String[] LIBRARIES = {"transformers", "transformers", "transformers", "transformers", "gguf",
      "diffusers", "peft", "sentence-transformers", "timm", "onnx", "mlx", "keras", "adapter-transformers",
      "speechbrain", "espnet", "fastai"};
  static final String[] LICENSES = {"apache-2.0", "apache-2.0", "apache-2.0", "mit", "mit", "llama3", "llama3.1",
      "gemma", "cc-by-4.0", "cc-by-nc-4.0", "openrail", "creativeml-openrail-m", "other", "bsd-3-clause",
      "gpl-3.0", "cc-by-sa-4.0", "afl-3.0", "unknown"};
  static final String[] LANGUAGES = {"en", "en", "en", "en", "zh", "fr", "de", "es", "ja", "ko", "ru", "pt", "it",
      "ar", "hi", "nl", "pl", "tr", "vi", "id", "sv", "fi", "da", "cs", "uk", "el", "he", "th", "fa", "ro", "hu",
      "bn", "ta", "te", "ur", "sw", "yo", "multilingual"};
  static final String[] FORMATS = {"safetensors", "safetensors", "safetensors", "pytorch", "gguf", "onnx", "flax",
      "keras", "tflite"};
  static final String[] PROSE = ("model trained fine tuned on dataset with the following results evaluation "
      + "accuracy loss learning rate batch size epochs optimizer adam warmup steps tokenizer vocabulary context "
      + "length parameters quantized weights inference benchmark license intended uses limitations bias risks "
      + "training procedure hyperparameters framework versions pytorch citation authors contact chat assistant "
      + "instruction following reasoning code math multilingual translation summarization classification "
      + "sentiment speech recognition image generation diffusion embeddings retrieval search ranking vision "
      + "language large small efficient fast distilled pruned merged adapter lora preference optimization "
      + "reinforcement human feedback safety alignment evaluation leaderboard medical legal finance biology "
      + "chemistry photosynthesis astronomy poetry music robotics agriculture climate weather").split(" ");

  private SyntheticRepos() {}

  /** {@code count} repositories, the same ones for the same seed. */
  public static Iterator<RepoDocument> stream(long count, long seed) {
    return new Iterator<>() {
      private long i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public RepoDocument next() {
        if (i >= count) {
          throw new NoSuchElementException();
        }
        return repo(i++, seed);
      }
    };
  }

  /** The {@code i}-th repository of a seed: the same document every time. */
  public static RepoDocument repo(long i, long seed) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
    String owner = owner(r);
    String family = pick(r, FAMILIES);
    StringBuilder name = new StringBuilder(family);
    String size = pick(r, SIZES);
    if (!size.isEmpty()) {
      name.append('-').append(size);
    }
    String suffix = pick(r, SUFFIXES);
    if (!suffix.isEmpty()) {
      name.append('-').append(suffix);
    }
    name.append('-').append(Long.toString(i, 36));   // names are unique per owner and overall
    boolean dataset = r.nextInt(10) == 0;
    String task = r.nextInt(8) == 0 ? null : pick(r, TASKS);
    String library = dataset ? null : pick(r, LIBRARIES);
    List<String> licenses = List.of(pick(r, LICENSES));
    List<String> languages = new ArrayList<>();
    for (int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0); languages.size() < n; ) {
      String language = pick(r, LANGUAGES);
      if (!languages.contains(language)) {
        languages.add(language);
      }
    }
    List<String> formats = dataset ? List.of() : r.nextInt(5) == 0
        ? List.of(pick(r, FORMATS), pick(r, FORMATS)).stream().distinct().toList() : List.of(pick(r, FORMATS));
    long parameters = dataset || r.nextInt(4) == 0 ? -1 : (long) Math.exp(14 + r.nextDouble() * 12);
    List<String> tags = new ArrayList<>();
    if (library != null) {
      tags.add(library);
    }
    tags.add("license:" + licenses.getFirst());
    tags.addAll(languages);
    List<String> bases = new ArrayList<>();
    String relation = null;
    if (!dataset && i > 1000 && r.nextInt(3) == 0) {
      RepoDocument base = repo(r.nextLong(i), seed);
      bases.add(base.fullName());
      relation = pick(r, new String[] {"finetune", "adapter", "merge", "quantized"});
      tags.add("base_model:" + base.fullName());
      tags.add("base_model:" + relation + ":" + base.fullName());
    }
    boolean isPrivate = r.nextInt(20) == 0;
    long downloads = (long) Math.floor(Math.pow(10, r.nextDouble() * r.nextDouble() * 7)) - 1;
    Instant created = Instant.parse("2021-01-01T00:00:00Z").plusSeconds(r.nextLong(5L * 365 * 86400));
    return new RepoDocument("r" + i, dataset ? "dataset" : "model", owner, name.toString(),
        card(r, family, task), tags, task, library, licenses, languages, List.of(), bases, relation, parameters,
        formats, r.nextInt(30) == 0 ? "manual" : "false", isPrivate, List.of(owner), downloads, downloads * 4,
        downloads / 200 + r.nextInt(3), downloads / 10, created, created.plusSeconds(r.nextLong(86400L * 300)));
  }

  /** A model family name (llama, bert, …), as people type them in a search box. */
  public static String family(SplittableRandom r) {
    return pick(r, FAMILIES);
  }

  /** Owners are skewed: a few organisations own many repositories, most users a handful. */
  static String owner(SplittableRandom r) {
    int n = r.nextInt(10) < 3 ? r.nextInt(200) : r.nextInt(200_000);
    return (n < 200 ? "org" : "user") + n;
  }

  private static String card(SplittableRandom r, String family, String task) {
    StringBuilder card = new StringBuilder(600).append("# ").append(family).append("\n\n");
    if (task != null) {
      card.append("A ").append(task.replace('-', ' ')).append(" model. ");
    }
    int words = 60 + r.nextInt(120);
    for (int w = 0; w < words; w++) {
      card.append(pick(r, PROSE)).append(w % 12 == 11 ? ". " : " ");
    }
    return card.toString();
  }

  static String pick(SplittableRandom r, String[] values) {
    return values[r.nextInt(values.length)];
  }
}
