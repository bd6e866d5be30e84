package org.arbor.formats.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CardValidatorTest {
  @Test
  void a_complete_valid_model_card_has_no_problems() throws CardException {
    assertThat(problems("""
        license: apache-2.0
        language: [en, fr]
        tags: [llama, gguf]
        datasets: [acme/corpus]
        base_model: meta-llama/Llama-3.1-8B
        base_model_relation: quantized
        pipeline_tag: text-generation
        library_name: transformers
        inference: false
        model-index:
        - name: tiny
          results:
          - task: {type: text-generation}
            dataset: {type: acme/corpus, name: Corpus}
            metrics:
            - {type: accuracy, value: 0.9}
        """, false)).isEmpty();
  }

  @Test
  void names_each_problem_by_key() throws CardException {
    List<String> problems = problems("""
        license: my-own
        language: English
        pipeline_tag: text-magic
        base_model_relation: sibling
        tags: [ok, 3]
        """, false);
    assertThat(problems).anyMatch(p -> p.startsWith("license: 'my-own'"))
        .anyMatch(p -> p.startsWith("language: 'English'"))
        .anyMatch(p -> p.startsWith("pipeline_tag: 'text-magic'"))
        .anyMatch(p -> p.startsWith("base_model_relation: 'sibling'"))
        .anyMatch(p -> p.startsWith("base_model_relation: given without base_model"))
        .anyMatch(p -> p.startsWith("tags: every entry must be a string"));
  }

  @Test
  void license_other_needs_a_name() throws CardException {
    assertThat(problems("license: other\n", false)).singleElement().asString().startsWith("license_name:");
    assertThat(problems("license: other\nlicense_name: acme-1.0\nlicense_link: LICENSE\n", false)).isEmpty();
  }

  @Test
  void model_index_structure_is_checked() throws CardException {
    List<String> problems = problems("""
        model-index:
        - name: tiny
          results:
          - task: {name: no type}
            dataset: {type: x}
            metrics: []
        """, false);
    assertThat(problems).containsExactly(
        "model-index[0].results[0].task.type: required",
        "model-index[0].results[0].dataset: type and name are required",
        "model-index[0].results[0].metrics: required, a non-empty list");
  }

  @Test
  void dataset_cards_check_task_categories_sizes_and_configs() throws CardException {
    List<String> problems = problems("""
        task_categories: [text-classification, guessing]
        size_categories: [1K<n<10K, lots]
        configs:
        - data_files: train.csv
        """, true);
    assertThat(problems).containsExactlyInAnyOrder(
        "task_categories: 'guessing' is not a known task",
        problems.stream().filter(p -> p.startsWith("size_categories: 'lots'")).findFirst().orElse("missing size"),
        "configs[0].config_name: required");
  }

  private static List<String> problems(String yaml, boolean dataset) throws CardException {
    ModelCard card = ModelCardReader.read(("---\n" + yaml + "---\n").getBytes(StandardCharsets.UTF_8));
    return CardValidator.problems(card.metadata(), dataset);
  }
}
