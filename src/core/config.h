// Config: everything `pantau serve` can be told, with the defaults of DESIGN.md. Loaded from a
// YAML file (--config); command-line flags override it. Unknown keys are errors, so a typo never
// silently falls back to a default.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "0.0.0.0"
  uint16_t port = 0;
  bool enabled = true;
  std::string ToString() const;
};

// "127.0.0.1:5514", "[::1]:5514", "0.0.0.0:0". `what` names the setting in the error.
Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view what);

// One setting of a section that its own subsystem reads (anomaly:, read by
// detect/anomaly/detector_config.h, which alone knows its keys and defaults): the keys from the
// section down, a scalar or a list of scalars, and where it was written, for errors.
struct ConfigSetting {
  std::vector<std::string> path;  // {"volume", "spike_sigmas"}, {"sources", "10.0.0.5", "disabled"}
  std::string value;              // a scalar, as written
  std::vector<std::string> list;  // a list of scalars
  bool is_list = false;
  std::string where;  // "pantau.yaml:12"
};

struct Config {
  std::string data_dir = "./var";
  ListenAddress http{"127.0.0.1", 8080};
  // The built web UI (index.html and assets/); empty means the one built in the source tree.
  std::string ui_dir;
  struct Syslog {
    ListenAddress udp{"127.0.0.1", 5514};
    ListenAddress tcp{"127.0.0.1", 5514};
    ListenAddress tls{"127.0.0.1", 6514, false};  // enabled when cert and key are set
    std::string tls_cert;                         // PEM certificate chain
    std::string tls_key;                          // PEM private key
    size_t max_line_bytes = 64 * 1024;            // longer lines are cut and marked
    int frame_timeout_s = 30;  // a TCP peer that starts a frame must finish it in time
    int idle_timeout_s = 600;  // a TCP peer that sends nothing for this long is closed
    size_t max_connections = 1000;
    std::string format = "auto";  // the decoder for syslog input
  } syslog;
  struct Ingest {
    size_t queue_bytes = 64u << 20;  // bound of each queue between listeners and the store
    size_t max_body_bytes = 64u << 20;
  } ingest;
  struct Search {
    int timeout_s = 30;  // a search running longer is stopped and reported as such
  } search;
  struct Detection {
    bool builtin_rules = true;            // Pantau's own rules (rules/ in the source)
    std::vector<std::string> rules;       // more Sigma rule files or folders
    std::vector<std::string> logsources;  // extra log source maps
    std::string placeholders;             // values of `expand` placeholders (YAML)
    int group_window_s = 3600;            // repeats within this make one alert
  } detection;
  struct Cases {
    // The largest evidence item (file or pasted text) a case takes; larger uploads get 413.
    uint64_t max_evidence_bytes = uint64_t{100} << 20;
  } cases;
  // The SOP's documents (docs/documents.md): who the team is, the letterhead, numbering, and
  // who signs with which certificate.
  struct Documents {
    std::string team_name = "TTIS Kabupaten Kutai Kartanegara";
    std::string team_unit = "Dinas Komunikasi dan Informatika Kabupaten Kutai Kartanegara";
    std::string team_email, team_phone;
    std::string government = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA";
    std::string office = "DINAS KOMUNIKASI DAN INFORMATIKA";
    std::vector<std::string> address;  // lines under the office's name
    std::string logo;                  // PNG file for the letterhead; empty: none
    std::string place = "Tenggarong";  // where letters are dated
    std::string unit = "DISKOMINFO";   // in the number and its yearly sequence
    std::string archive_code = "000.6";
    std::string number_pattern = "{class}-{seq}/{unit}/{code}/{month:02}/{year}";
    std::string templates_dir;           // an admin's templates; missing ones are the built-in
    std::string language = "id";         // id or en
    std::string time_zone = "WITA";      // WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9)
    std::string public_url;              // base of verify links; empty: http://<http.listen>
    int letter_deadline_days = 3;        // the PSE is asked to act within this many days
    std::vector<std::string> letter_cc;  // tembusan of every letter
    struct Signer {
      std::string user;  // the account that signs
      std::string full_name, position, nip;
      std::string pkcs12, password_file;  // empty: DATA/signers/<user>.p12 when it exists
    };
    std::vector<Signer> signers;
  } documents;
  // Sending notifications (docs/configuration.md, src/notify/). Email is off while smtp.url is
  // empty; each webhook is called at the workflow steps it lists.
  struct Notify {
    struct Smtp {
      std::string url;            // smtp://host:587 or smtps://host:465; empty: no email
      std::string from;           // "CSIRT Kukar <csirt@kukarkab.go.id>" or the address alone
      std::string username;       // empty: no AUTH
      std::string password_file;  // with username: a file whose first line is the password
      std::string starttls;       // required, if_available, none; empty: required, but
                                  // if_available for a loopback host
      std::string ca_file;        // PEM CAs that sign the server's certificate; empty: system's
      int timeout_s = 60;         // the whole session; connecting gets at most 15 s of it
    } smtp;
    struct Webhook {
      std::string url;                  // generic: the endpoint; telegram: the Bot API base
      std::string kind = "generic";     // generic, telegram
      std::string chat_id;              // telegram
      std::string token_file;           // telegram: a file whose first line is the bot token
      std::vector<std::string> events;  // workflow actions (submit, approve...); empty: all
    };
    std::vector<Webhook> webhooks;
  } notify;
  // Malware and webshell scanning of evidence (docs/assessments.md).
  struct Scan {
    std::string yara_rules_dir;  // more .yar files beside the built-in rules; empty: none
    std::string clamav_db_dir;   // ClamAV's databases; empty: libclamav's (/var/lib/clamav)
    uint64_t max_bytes = uint64_t{64} << 20;  // a larger item is not scanned (413)
    int timeout_s = 30;                       // per engine and scan
  } scan;
  // Website monitoring of the registry's systems (docs/monitoring.md).
  struct Monitor {
    bool enabled = true;     // the scheduler; checks asked for through the API run regardless
    std::string terms_file;  // gambling and defacement patterns; empty: the built-in list
    int max_parallel = 8;    // fetches at once
    int request_timeout_s = 20;
    size_t max_page_bytes = size_t{1} << 20;
    int down_after_failures = 3;  // failed checks in a row before a site is down
    int cert_warn_days = 14;
    int min_text_similarity_pct = 50;   // below: the visible text changed
    int min_cloak_similarity_pct = 50;  // below: the crawler is shown another page
    std::string ca_file;  // PEM CAs the sites' certificates are verified against; empty: system's
    // A Chromium binary: pages that raised a defacement, gambling or cloaking alert are
    // screenshotted with it, headless (docs/monitoring.md#screenshots); empty: no screenshots.
    std::string screenshot_browser;
    int screenshot_timeout_s = 20;  // per screenshot; the browser is killed after it
    int screenshots_per_cycle = 4;  // per batch of checks; 0: none
  } monitor;
  // The anomaly detectors (docs/anomaly.md#detectors), as written; unset keys keep the
  // detectors' defaults.
  std::vector<ConfigSetting> anomaly;
  struct Store {
    int retention_days = 90;
    bool sync_full = true;  // fsync every commit: an acknowledged event survives power loss
    size_t batch_events = 20'000;
  } store;
  // Log template ids at ingest (docs/anomaly.md): one miner per dataset.
  struct Templates {
    bool enabled = true;
    size_t max_datasets = 32;             // past it, datasets share one miner
    size_t max_templates = 20'000;        // per dataset's miner
    size_t max_bytes = size_t{16} << 20;  // per dataset's miner (estimated)
    size_t max_rows = 200'000;            // rows kept in log_templates
  } templates;
};

// Reads a YAML config file over the defaults in `config`.
Status LoadConfigFile(const std::string& path, Config& config);
// Same, from text (for tests); `source` names it in errors.
Status LoadConfigText(std::string_view yaml, std::string_view source, Config& config);

}  // namespace pantau
