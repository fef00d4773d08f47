#include "core/config.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(ConfigTest, ParseListenAddress) {
  auto a = ParseListenAddress("127.0.0.1:5514", "x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 5514);
  auto b = ParseListenAddress("[::1]:0", "x");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->ToString(), "[::1]:0");
  EXPECT_FALSE(ParseListenAddress("localhost", "x").ok());
  EXPECT_FALSE(ParseListenAddress("::1:80", "x").ok());
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:70000", "x").ok());
  EXPECT_EQ(ParseListenAddress(":80", "--http").status().message(),
            "--http: ':80' has no address (expected ADDR:PORT, e.g. 127.0.0.1:5514)");
}

TEST(ConfigTest, LoadsSettingsOverDefaults) {
  Config c;
  ASSERT_TRUE(LoadConfigText("store:\n  retention_days: 30\n  sync: normal\n"
                             "syslog:\n  listen: 0.0.0.0:1514\n  tcp: off\n",
                             "t.yaml", c)
                  .ok());
  EXPECT_EQ(c.store.retention_days, 30);
  EXPECT_FALSE(c.store.sync_full);
  EXPECT_EQ(c.syslog.udp.ToString(), "0.0.0.0:1514");
  EXPECT_FALSE(c.syslog.tcp.enabled);
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.cases.max_evidence_bytes, uint64_t{100} << 20);
  ASSERT_TRUE(LoadConfigText("cases:\n  max_evidence_bytes: 4096\n", "t.yaml", c).ok());
  EXPECT_EQ(c.cases.max_evidence_bytes, 4096u);
  ASSERT_TRUE(LoadConfigText("scan:\n  clamav_db_dir: /srv/clamav\n  max_bytes: 2048\n  "
                             "timeout_s: 5\n",
                             "t.yaml", c)
                  .ok());
  EXPECT_EQ(c.scan.clamav_db_dir, "/srv/clamav");
  EXPECT_EQ(c.scan.max_bytes, 2048u);
  EXPECT_EQ(c.scan.timeout_s, 5);
  EXPECT_FALSE(LoadConfigText("scan:\n  timeout_s: 0\n", "t.yaml", c).ok());
}

TEST(ConfigTest, Templates) {
  Config c;
  EXPECT_TRUE(c.templates.enabled);
  ASSERT_TRUE(
      LoadConfigText("templates:\n  enabled: false\n  max_datasets: 4\n  max_templates: 500\n"
                     "  max_bytes: 2097152\n  max_rows: 1000\n",
                     "t.yaml", c)
          .ok());
  EXPECT_FALSE(c.templates.enabled);
  EXPECT_EQ(c.templates.max_datasets, 4u);
  EXPECT_EQ(c.templates.max_templates, 500u);
  EXPECT_EQ(c.templates.max_bytes, 2097152u);
  EXPECT_EQ(c.templates.max_rows, 1000u);
  EXPECT_EQ(LoadConfigText("templates:\n  max_datasets: 0\n", "t.yaml", c).message(),
            "t.yaml:2: templates.max_datasets: must be between 1 and 10000");
  EXPECT_EQ(LoadConfigText("templates:\n  enable: true\n", "t.yaml", c).message(),
            "t.yaml:2: templates.enable: unknown setting");
}

TEST(ConfigTest, MonitorScreenshots) {
  Config c;
  EXPECT_EQ(c.monitor.screenshot_browser, "");  // off unless asked for
  ASSERT_TRUE(LoadConfigText("monitor:\n  screenshot_browser: /usr/bin/chromium\n"
                             "  screenshot_timeout_s: 30\n  screenshots_per_cycle: 2\n",
                             "t.yaml", c)
                  .ok());
  EXPECT_EQ(c.monitor.screenshot_browser, "/usr/bin/chromium");
  EXPECT_EQ(c.monitor.screenshot_timeout_s, 30);
  EXPECT_EQ(c.monitor.screenshots_per_cycle, 2);
  EXPECT_EQ(LoadConfigText("monitor:\n  screenshot_timeout_s: 0\n", "t.yaml", c).message(),
            "t.yaml:2: monitor.screenshot_timeout_s: must be between 1 and 120");
  EXPECT_EQ(LoadConfigText("monitor:\n  screenshots_per_cycle: 51\n", "t.yaml", c).message(),
            "t.yaml:2: monitor.screenshots_per_cycle: must be between 0 and 50");
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  Config c;
  EXPECT_EQ(LoadConfigText("store:\n  retension_days: 3\n", "t.yaml", c).message(),
            "t.yaml:2: store.retension_days: unknown setting");
  EXPECT_EQ(LoadConfigText("store:\n  retention_days: many\n", "t.yaml", c).message(),
            "t.yaml:2: store.retention_days: must be a whole number");
  EXPECT_EQ(LoadConfigText("store:\n  retention_days: 0\n", "t.yaml", c).message(),
            "t.yaml:2: store.retention_days: must be between 1 and 36500");
  EXPECT_EQ(LoadConfigText("cases:\n  max_evidence_bytes: 10\n", "t.yaml", c).message(),
            "t.yaml:2: cases.max_evidence_bytes: must be between 1024 and 1099511627776");
  EXPECT_FALSE(LoadConfigText("a: [\n", "t.yaml", c).ok());
  EXPECT_EQ(LoadConfigText("syslog:\n  tls:\n    cert: a.pem\n", "t.yaml", c).message(),
            "t.yaml:3: syslog.tls: needs both cert and key");
}

TEST(ConfigTest, Documents) {
  Config c;
  ASSERT_TRUE(LoadConfigText("documents:\n"
                             "  letterhead: {government: PEMKAB X, address: [Jl. A No. 1, Kota]}\n"
                             "  unit: KOMINFO\n"
                             "  signers:\n"
                             "    - {user: kepala, full_name: Dr. A, position: Kepala Dinas, "
                             "nip: '1975'}\n",
                             "t.yaml", c)
                  .ok());
  EXPECT_EQ(c.documents.government, "PEMKAB X");
  EXPECT_EQ(c.documents.address.size(), 2u);
  EXPECT_EQ(c.documents.unit, "KOMINFO");
  EXPECT_EQ(c.documents.office, "DINAS KOMUNIKASI DAN INFORMATIKA");
  ASSERT_EQ(c.documents.signers.size(), 1u);
  EXPECT_EQ(c.documents.signers[0].nip, "1975");
  EXPECT_EQ(
      LoadConfigText("documents:\n  number_pattern: '{unit}/{year}'\n", "t.yaml", c).message(),
      "t.yaml:2: documents.number_pattern: needs {seq}, or two documents would get the same "
      "number");
  EXPECT_EQ(LoadConfigText("documents:\n  signers:\n    - {nip: '1'}\n", "t.yaml", c).message(),
            "t.yaml:3: documents.signers[]: needs a user");
  EXPECT_EQ(LoadConfigText("documents:\n  language: fr\n", "t.yaml", c).message(),
            "t.yaml:2: documents.language: must be 'id' or 'en'");
}

TEST(ConfigTest, NotifySection) {
  Config c;
  EXPECT_TRUE(c.notify.smtp.url.empty()) << "email is off by default";
  const Status s = LoadConfigText(R"(
notify:
  smtp:
    url: smtp://mail.kukarkab.go.id:587
    from: CSIRT Kukar <csirt@kukarkab.go.id>
    username: pantau
    password_file: /etc/pantau/smtp-password
    starttls: required
    ca_file: /etc/pantau/mail-ca.pem
    timeout_s: 30
  webhooks:
    - url: https://hooks.kukarkab.go.id/pantau
    - kind: telegram
      chat_id: "-100123"
      token_file: /etc/pantau/telegram-token
      events: [submit, approve, notify]
)",
                                  "t.yaml", c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.notify.smtp.url, "smtp://mail.kukarkab.go.id:587");
  EXPECT_EQ(c.notify.smtp.from, "CSIRT Kukar <csirt@kukarkab.go.id>");
  EXPECT_EQ(c.notify.smtp.username, "pantau");
  EXPECT_EQ(c.notify.smtp.password_file, "/etc/pantau/smtp-password");
  EXPECT_EQ(c.notify.smtp.starttls, "required");
  EXPECT_EQ(c.notify.smtp.ca_file, "/etc/pantau/mail-ca.pem");
  EXPECT_EQ(c.notify.smtp.timeout_s, 30);
  ASSERT_EQ(c.notify.webhooks.size(), 2u);
  EXPECT_EQ(c.notify.webhooks[0].kind, "generic");
  EXPECT_TRUE(c.notify.webhooks[0].events.empty());
  EXPECT_EQ(c.notify.webhooks[1].kind, "telegram");
  EXPECT_EQ(c.notify.webhooks[1].chat_id, "-100123");
  EXPECT_EQ(c.notify.webhooks[1].events, (std::vector<std::string>{"submit", "approve", "notify"}));
}

TEST(ConfigTest, NotifyErrorsNameFileLineAndKey) {
  const std::pair<std::string, std::string> cases[] = {
      {"notify:\n  smtp:\n    host: x\n", "t.yaml:3: notify.smtp.host: unknown setting"},
      {"notify:\n  smtp:\n    url: http://x\n    from: a@b.id\n",
       "t.yaml:3: notify.smtp.url: must start with smtp:// or smtps://"},
      {"notify:\n  smtp:\n    url: smtp://x\n",
       "t.yaml:3: notify.smtp.from: the sender's address is needed to send email, e.g. "
       "\"CSIRT <csirt@example.go.id>\""},
      {"notify:\n  smtp:\n    url: smtp://x\n    from: a@b.id\n    starttls: maybe\n",
       "t.yaml:5: notify.smtp.starttls: must be required, if_available or none"},
      {"notify:\n  smtp:\n    username: u\n",
       "t.yaml:3: notify.smtp: username and password_file go together"},
      {"notify:\n  smtp:\n    timeout_s: 0\n",
       "t.yaml:3: notify.smtp.timeout_s: must be between 5 and 600"},
      {"notify:\n  webhooks: x\n", "t.yaml:2: notify.webhooks: must be a list"},
      {"notify:\n  webhooks:\n    - url: https://x\n      secret: y\n",
       "t.yaml:4: notify.webhooks[0].secret: unknown setting"},
      {"notify:\n  webhooks:\n    - url: ftp://x\n",
       "t.yaml:3: notify.webhooks[0].url: a generic webhook needs an http(s) URL"},
      {"notify:\n  webhooks:\n    - url: https://x\n    - kind: telegram\n      chat_id: 1\n",
       "t.yaml:4: notify.webhooks[1]: a telegram webhook needs chat_id and token_file"},
      {"notify:\n  webhooks:\n    - url: https://x\n      kind: slack\n",
       "t.yaml:4: notify.webhooks[0].kind: must be generic or telegram"},
      {"notify:\n  webhooks:\n    - url: https://x\n      events: [submit, aprove]\n",
       "t.yaml:4: notify.webhooks[0].events: 'aprove' is not a workflow action (investigate, "
       "assess, report, submit, verify, return, approve, notify, close)"},
  };
  for (const auto& [yaml, message] : cases) {
    Config c;
    EXPECT_EQ(LoadConfigText(yaml, "t.yaml", c).message(), message) << yaml;
  }
}

// anomaly: is read by its subsystem (detect/anomaly/detector_config.h); core keeps its keys,
// values and lines.
TEST(ConfigTest, AnomalySectionIsKeptWithLines) {
  Config c;
  ASSERT_TRUE(LoadConfigText("anomaly:\n  bucket_minutes: 5\n  volume:\n    exclude_sources: [a, "
                             "b]\n  sources:\n    10.0.0.5:\n      sensitivity: 2\n",
                             "t.yaml", c)
                  .ok());
  ASSERT_EQ(c.anomaly.size(), 3u);
  EXPECT_EQ(c.anomaly[0].path, (std::vector<std::string>{"bucket_minutes"}));
  EXPECT_EQ(c.anomaly[0].value, "5");
  EXPECT_EQ(c.anomaly[0].where, "t.yaml:2");
  EXPECT_TRUE(c.anomaly[1].is_list);
  EXPECT_EQ(c.anomaly[1].list, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.anomaly[2].path, (std::vector<std::string>{"sources", "10.0.0.5", "sensitivity"}));
  const Status s = LoadConfigText("anomaly:\n  volume:\n    x: {a: [{b: 1}]}\n", "t.yaml", c);
  EXPECT_EQ(s.message(), "t.yaml:3: anomaly.volume.x.a: must be a list of values");
}

}  // namespace
}  // namespace pantau
