package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real browser: Debian's Chromium, headless, driven by Selenium (nothing is
 * downloaded). A new user signs in, searches, reads a card whose XSS payloads must not run, opens
 * a file and a commit, asks for access to a gated model, and reads a page on a phone-sized screen.
 * Screenshots of each step land in {@code target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path data;
  @TempDir static Path profile;
  static TestHub hub;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver;"
            + " .ci/run installs them)").isTrue();
    hub = TestHub.start(data);
    hub.createRepo("tiny-classifier");
    hub.commit("tiny-classifier", Map.of("README.md", WebPagesTest.XSS_CARD, "src/train.py", "print('train')\n"));
    hub.createRepo("gated-model");
    hub.commit("gated-model", Map.of("README.md", "---\nlicense: llama3\nextra_gated_fields:\n  Company: text\n---\n"
        + "# Gated model\n"));
    assertThat(hub.send(hub.request("/api/models/admin/gated-model/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"gated\":\"manual\"}"))
        .build()).statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "pam", "password", "correct horse"))
        .statusCode()).isEqualTo(200);
    Files.createDirectories(SHOTS);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1280,900");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    // a click that submits a form returns before the next page is there: finds wait for it
    browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  @Order(1)
  void a_user_signs_in() throws IOException {
    browser.get(hub.url + "/login");
    browser.findElement(By.name("username")).sendKeys("pam");
    browser.findElement(By.name("password")).sendKeys("correct horse");
    submitAndWait();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("header .account"), "Signed in as pam"));
    shot("1-signed-in");
  }

  @Test
  @Order(2)
  void searches_from_the_header_and_narrows_by_a_facet() throws IOException {
    WebElement box = browser.findElement(By.cssSelector("header input[type=search]"));
    box.sendKeys("tiny", Keys.ENTER);
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/models?search=tiny"));
    assertThat(browser.findElements(By.cssSelector("ul.cards a.id"))).extracting(WebElement::getText)
        .containsExactly("admin/tiny-classifier");
    browser.findElement(By.linkText("mit")).click();
    assertThat(browser.getCurrentUrl()).contains("filter=license%3Amit");
    assertThat(browser.findElements(By.cssSelector("ul.cards a.id"))).hasSize(1);
    shot("2-search");
  }

  @Test
  @Order(3)
  void reads_a_card_whose_scripts_never_run() throws IOException {
    browser.findElement(By.linkText("admin/tiny-classifier")).click();
    assertThat(browser.findElement(By.cssSelector("article.card h1")).getText()).startsWith("Tiny classifier");
    assertThat(browser.findElements(By.cssSelector("article.card table td"))).extracting(WebElement::getText)
        .containsExactly("f1", "0.93");
    assertThat(browser.findElements(By.xpath("//a[starts-with(normalize-space(@href), 'javascript')]"))).isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss === undefined")).isEqualTo(true);
    assertThat(alertShown()).isFalse();
    browser.navigate().to(hub.url + "/admin/tiny-classifier");
    shot("3-repo-page");
  }

  @Test
  @Order(4)
  void opens_a_file_and_a_commit() throws IOException {
    browser.findElement(By.linkText("Files")).click();
    browser.findElement(By.linkText("src/")).click();
    browser.findElement(By.linkText("train.py")).click();
    assertThat(browser.findElements(By.cssSelector("pre.lines span.line"))).extracting(WebElement::getText)
        .containsExactly("print('train')");
    shot("4-file");
    browser.findElement(By.linkText("History")).click();
    browser.findElements(By.cssSelector("table.list tbody a")).getFirst().click();
    assertThat(browser.findElements(By.cssSelector("section.diff span.add"))).isNotEmpty();
    shot("5-commit");
  }

  @Test
  @Order(5)
  void asks_for_access_to_a_gated_model() throws Exception {
    browser.get(hub.url + "/admin/gated-model");
    browser.findElement(By.linkText("Ask for access")).click();
    browser.findElement(By.name("Company")).sendKeys("Acme");
    submitAndWait();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(
        ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Your request was sent"));
    shot("6-gated-request");
    var pending = TestHub.json(hub.get("/api/models/admin/gated-model/user-access-request/pending", ADMIN_TOKEN));
    assertThat(pending.get(0).get("user").get("user").asText()).isEqualTo("pam");
    assertThat(pending.get(0).get("fields").get("Company").asText()).isEqualTo("Acme");
  }

  @Test
  @Order(6)
  void creates_an_access_token() throws Exception {
    browser.get(hub.url + "/settings/tokens");
    browser.findElement(By.id("token-name")).sendKeys("notebook");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("token-role"))).selectByValue("write");
    submitAndWait();
    String token = browser.findElement(By.id("token-value")).getText();
    assertThat(token).startsWith("hf_");
    assertThat(TestHub.json(hub.get("/api/whoami-v2", token)).get("name").asText()).isEqualTo("pam");
    shot("7-token");
  }

  @Test
  @Order(7)
  void a_repository_page_fits_a_phone() throws IOException {
    browser.manage().window().setSize(new Dimension(390, 844));
    browser.get(hub.url + "/admin/tiny-classifier");
    Object overflow = ((JavascriptExecutor) browser).executeScript(
        "return document.documentElement.scrollWidth - window.innerWidth");
    assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(1);
    shot("8-phone");
    browser.manage().window().setSize(new Dimension(1280, 900));
  }

  /**
   * Submits the page's form and waits until the next page replaced it: reading the old page while
   * it is being replaced fails in Chrome with "node does not belong to the document".
   */
  private static void submitAndWait() {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(By.cssSelector("main form button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> replaced(page));
  }

  /** Whether {@code page} is gone; Chrome says so either as a stale element or as a node no longer in the document. */
  private static boolean replaced(WebElement page) {
    try {
      page.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException gone) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private static boolean alertShown() {
    try {
      browser.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  private static void shot(String name) throws IOException {
    Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }
}
