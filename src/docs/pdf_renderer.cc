#include "docs/pdf_renderer.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <new>
#include <utility>

#include "core/time.h"
#include "docs/document_template.h"

namespace pantau {
namespace {

// Page geometry in points. Naskah dinas: A4, a wider left margin for binding.
constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kPageHeight = 297 * kMm;
constexpr double kMarginLeft = 30 * kMm;
constexpr double kMarginRight = 20 * kMm;
constexpr double kMarginTop = 20 * kMm;
constexpr double kBodyBottom = kPageHeight - 25 * kMm;  // the footer sits below
constexpr double kFooterRuleY = kPageHeight - 18 * kMm;
constexpr double kTextWidth = kPageWidth - kMarginLeft - kMarginRight;

constexpr double kBodySize = 11;
constexpr double kSmallSize = 8;
constexpr double kLineSpacing = 1.15;
constexpr double kParagraphGap = 6;
constexpr double kCellPad = 3.5;
constexpr double kListIndent = 7 * kMm;
constexpr double kQrSize = 22 * kMm;
constexpr int kMaxPages = 1000;
constexpr const char* kFontFamily = "Noto Sans, DejaVu Sans";

using LayoutPtr = std::shared_ptr<PangoLayout>;

LayoutPtr Own(PangoLayout* l) {
  return LayoutPtr(l, [](PangoLayout* p) { g_object_unref(p); });
}

struct LineBox {
  double top;
  double bottom;
};

std::vector<LineBox> LinesOf(PangoLayout* layout) {
  std::vector<LineBox> lines;
  PangoLayoutIter* it = pango_layout_get_iter(layout);
  do {
    int y0 = 0;
    int y1 = 0;
    pango_layout_iter_get_line_yrange(it, &y0, &y1);
    lines.push_back({static_cast<double>(y0) / PANGO_SCALE, static_cast<double>(y1) / PANGO_SCALE});
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  return lines;
}

// One drawing step on a page, recorded while laying out and replayed once the page count is
// known.
struct Op {
  enum Kind { kLines, kStroke, kFill, kImage, kQr };
  Kind kind = kLines;
  double x = 0;
  double y = 0;
  double w = 0;  // kStroke with h == 0: a horizontal line
  double h = 0;
  LayoutPtr layout;  // kLines: lines [first, end) with the top of `first` at y
  int first = 0;
  int end = 0;
  double line_width = 0.5;
  double gray = 0;
  std::shared_ptr<cairo_surface_t> image;
  std::shared_ptr<const std::vector<uint8_t>> modules;  // kQr: row-major, 1 = dark
  int qr_width = 0;
};
using Page = std::vector<Op>;

struct TextStyle {
  double size = kBodySize;
  bool bold = false;
  bool underline = false;
  TextAlign align = TextAlign::kLeft;
  double width = kTextWidth;
  double spacing = kLineSpacing;
  bool single_line = false;  // ellipsized
};

struct Words {
  const char* page_of;  // printf: page, pages
  const char* qr_caption;
};

Words WordsFor(const std::string& language) {
  if (language == "id") {
    return {"Halaman %d dari %d",
            "Pindai kode QR atau buka alamat berikut untuk memeriksa keaslian dokumen ini:"};
  }
  return {"Page %d of %d", "Scan the QR code or open this address to verify this document:"};
}

RichText Plain(std::string s, bool bold = false) { return {TextRun{std::move(s), bold}}; }

// Pango wraps a word longer than a line in time quadratic in its length (64 KiB of log data
// without a space took 5 s), so a word of more than 200 characters gets a zero-width space after
// every 8. Hashes (64 characters), addresses and ordinary words are left whole.
std::string WithBreaks(const std::string& text) {
  constexpr size_t kLongWord = 200;
  constexpr size_t kPiece = 8;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    size_t chars = 0;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n') {
      if ((static_cast<unsigned char>(text[j]) & 0xC0) != 0x80) ++chars;
      ++j;
    }
    if (chars <= kLongWord) {
      out.append(text, i, j - i);
    } else {
      size_t n = 0;
      for (size_t k = i; k < j; ++k) {
        const bool lead = (static_cast<unsigned char>(text[k]) & 0xC0) != 0x80;
        if (lead && n > 0 && n % kPiece == 0) out += "\u200B";
        if (lead) ++n;
        out += text[k];
      }
    }
    if (j < text.size()) out += text[j++];
    i = j;
  }
  return out;
}

class Layouter {
 public:
  Layouter(PangoContext* context, const RenderRequest& request)
      : context_(context), request_(request), words_(WordsFor(request.language)) {
    NewPage();
  }

  Status Add(const DocumentBlock& b) {
    switch (b.kind) {
      case BlockKind::kHeading:
        Heading(b);
        break;
      case BlockKind::kParagraph: {
        TextStyle style;
        style.align = b.align;
        Flow(Make(b.text, style), kMarginLeft);
        y_ += kParagraphGap;
        break;
      }
      case BlockKind::kList:
        List(b);
        break;
      case BlockKind::kTable:
        Table(b);
        break;
      case BlockKind::kKeyValue:
        KeyValue(b);
        break;
      case BlockKind::kPageBreak:
        if (!PageEmpty()) NewPage();
        break;
      case BlockKind::kLetterhead:
        RETURN_IF_ERROR(LetterheadBlock());
        break;
      case BlockKind::kSignature:
        RETURN_IF_ERROR(Signature(b));
        break;
      case BlockKind::kQr:
        RETURN_IF_ERROR(QrBlock());
        break;
    }
    if (pages_.size() > kMaxPages) {
      return TooLarge("the document runs past " + std::to_string(kMaxPages) + " pages");
    }
    return Status::Ok();
  }

  const std::vector<Page>& pages() const { return pages_; }

  LayoutPtr Make(const RichText& text, const TextStyle& style) const {
    PangoLayout* l = pango_layout_new(context_);
    PangoFontDescription* font = pango_font_description_from_string(kFontFamily);
    pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
    pango_layout_set_font_description(l, font);
    pango_font_description_free(font);
    pango_layout_set_width(l, static_cast<int>(style.width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    if (style.single_line) pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_line_spacing(l, static_cast<float>(style.spacing));
    switch (style.align) {
      case TextAlign::kJustify:
        pango_layout_set_justify(l, TRUE);
        break;
      case TextAlign::kLeft:
        break;
      case TextAlign::kCenter:
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
        break;
      case TextAlign::kRight:
        pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
        break;
    }
    // Set as text with attributes, never as markup: the text holds case data.
    std::string all;
    PangoAttrList* attrs = pango_attr_list_new();
    for (const TextRun& run : text) {
      const auto start = static_cast<guint>(all.size());
      all += WithBreaks(run.text);
      if (run.bold || style.bold) {
        PangoAttribute* a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
        a->start_index = start;
        a->end_index = static_cast<guint>(all.size());
        pango_attr_list_insert(attrs, a);
      }
    }
    // A hash or an address broken across lines must not gain a hyphen.
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
    if (style.underline)
      pango_attr_list_insert(attrs, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE));
    pango_layout_set_text(l, all.data(), static_cast<int>(all.size()));
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
    return Own(l);
  }

 private:
  std::vector<Op>& Ops() { return pages_.back(); }
  void NewPage() {
    pages_.emplace_back();
    y_ = kMarginTop;
  }
  bool PageEmpty() const { return pages_.back().empty(); }
  double Room() const { return kBodyBottom - y_; }

  void AddLines(const LayoutPtr& l, double x, double y, int first, int end) {
    Op op;
    op.kind = Op::kLines;
    op.layout = l;
    op.x = x;
    op.y = y;
    op.first = first;
    op.end = end;
    Ops().push_back(std::move(op));
  }

  void AddRect(Op::Kind kind, double x, double y, double w, double h, double line_width,
               double gray) {
    Op op;
    op.kind = kind;
    op.x = x;
    op.y = y;
    op.w = w;
    op.h = h;
    op.line_width = line_width;
    op.gray = gray;
    Ops().push_back(std::move(op));
  }

  // Places the lines of `l` from y_, carrying on over as many pages as it takes; a page never
  // ends with the first line alone of a longer text.
  void Flow(const LayoutPtr& l, double x) {
    const std::vector<LineBox> lines = LinesOf(l.get());
    size_t i = 0;
    while (i < lines.size()) {
      size_t j = i;
      while (j < lines.size() && y_ + (lines[j].bottom - lines[i].top) <= kBodyBottom + 0.01) ++j;
      const bool lone_first = i == 0 && j == 1 && lines.size() >= 2;
      if ((j == i || lone_first) && !PageEmpty()) {
        NewPage();
        continue;
      }
      if (j == i) j = i + 1;
      // Nor does the last line of a text start a page alone.
      if (j < lines.size() && lines.size() - j == 1 && j - i >= 2) --j;
      AddLines(l, x, y_, static_cast<int>(i), static_cast<int>(j));
      y_ += lines[j - 1].bottom - lines[i].top;
      i = j;
      if (i < lines.size()) NewPage();
    }
  }

  void Heading(const DocumentBlock& b) {
    TextStyle style;
    style.bold = true;
    style.size = b.level == 1 ? 13 : kBodySize;
    style.align = b.level == 1 ? TextAlign::kCenter : TextAlign::kLeft;
    const LayoutPtr l = Make(b.text, style);
    const double before = b.level == 1 ? 4 : 8;
    const double after = b.level == 1 ? 10 : 4;
    double height = 0;
    for (const LineBox& line : LinesOf(l.get())) height = line.bottom;
    // Keep the heading with at least three lines of what follows.
    if (Room() < before + height + after + 3 * kBodySize * 1.4 && !PageEmpty()) NewPage();
    if (!PageEmpty()) y_ += before;
    Flow(l, kMarginLeft);
    y_ += after;
  }

  void List(const DocumentBlock& b) {
    TextStyle style;
    style.align = TextAlign::kJustify;
    style.width = kTextWidth - kListIndent;
    int number = b.start;
    for (const RichText& item : b.items) {
      const LayoutPtr text = Make(item, style);
      const std::vector<LineBox> lines = LinesOf(text.get());
      if (Room() < lines.front().bottom && !PageEmpty()) NewPage();
      TextStyle marker_style;
      marker_style.width = kListIndent;
      const LayoutPtr marker =
          Make(Plain(b.ordered ? std::to_string(number++) + "." : "\u2022"), marker_style);
      AddLines(marker, kMarginLeft, y_, 0, 1);
      Flow(text, kMarginLeft + kListIndent);
      y_ += 2;
    }
    y_ += kParagraphGap - 2;
  }

  struct Cell {
    LayoutPtr layout;
    std::vector<LineBox> lines;
  };
  using Row = std::vector<Cell>;

  struct Grid {
    std::vector<double> widths;
    bool borders = true;
    double pad = kCellPad;
    const Row* header = nullptr;
  };

  // Height of lines [from, to) of each cell, the tallest, with padding.
  static double FragmentHeight(const Row& row, const std::vector<size_t>& from,
                               const std::vector<size_t>& to, double pad) {
    double h = 0;
    for (size_t c = 0; c < row.size(); ++c) {
      if (to[c] > from[c]) {
        h = std::max(h, row[c].lines[to[c] - 1].bottom - row[c].lines[from[c]].top);
      }
    }
    return h + 2 * pad;
  }

  void DrawFragment(const Grid& g, const Row& row, const std::vector<size_t>& from,
                    const std::vector<size_t>& to, bool header) {
    const double h = FragmentHeight(row, from, to, g.pad);
    double x = kMarginLeft;
    for (size_t c = 0; c < row.size(); ++c) {
      if (header) AddRect(Op::kFill, x, y_, g.widths[c], h, 0, 0.88);
      if (to[c] > from[c]) {
        AddLines(row[c].layout, x + g.pad, y_ + g.pad, static_cast<int>(from[c]),
                 static_cast<int>(to[c]));
      }
      if (g.borders) AddRect(Op::kStroke, x, y_, g.widths[c], h, 0.6, 0);
      x += g.widths[c];
    }
    y_ += h;
  }

  static std::vector<size_t> Starts(const Row& row) { return std::vector<size_t>(row.size(), 0); }
  static std::vector<size_t> Ends(const Row& row) {
    std::vector<size_t> e;
    for (const Cell& c : row) e.push_back(c.lines.size());
    return e;
  }

  void NewTablePage(const Grid& g) {
    NewPage();
    if (g.header != nullptr) DrawFragment(g, *g.header, Starts(*g.header), Ends(*g.header), true);
  }

  // Rows go whole to the next page when they fit on one; a row taller than a page is split
  // between lines. The header row starts every page of the table.
  void PlaceRows(const Grid& g, const std::vector<Row>& rows) {
    const double header_h =
        g.header ? FragmentHeight(*g.header, Starts(*g.header), Ends(*g.header), g.pad) : 0;
    if (g.header != nullptr) {
      double need = header_h;
      if (!rows.empty()) need += FragmentHeight(rows[0], Starts(rows[0]), Ends(rows[0]), g.pad);
      if (need > Room() && !PageEmpty()) NewPage();
      DrawFragment(g, *g.header, Starts(*g.header), Ends(*g.header), true);
    }
    const double capacity = kBodyBottom - kMarginTop - header_h;
    for (const Row& row : rows) {
      std::vector<size_t> from = Starts(row);
      bool started = false;
      while (true) {
        const std::vector<size_t> all = Ends(row);
        const double full = FragmentHeight(row, from, all, g.pad);
        if (full <= Room() + 0.01) {
          DrawFragment(g, row, from, all, false);
          break;
        }
        if (!started && full <= capacity) {
          NewTablePage(g);
          continue;
        }
        std::vector<size_t> to = from;
        bool any = false;
        for (size_t c = 0; c < row.size(); ++c) {
          const std::vector<LineBox>& lines = row[c].lines;
          while (to[c] < lines.size() &&
                 lines[to[c]].bottom - lines[from[c]].top + 2 * g.pad <= Room() + 0.01) {
            ++to[c];
          }
          any = any || to[c] > from[c];
        }
        if (!any) {
          if (y_ > kMarginTop + header_h + 0.01) {
            NewTablePage(g);
            continue;
          }
          for (size_t c = 0; c < row.size(); ++c) to[c] = std::min(from[c] + 1, all[c]);
        }
        DrawFragment(g, row, from, to, false);
        from = to;
        started = true;
        NewTablePage(g);
      }
    }
  }

  Row MakeRow(const std::vector<RichText>& cells, const std::vector<double>& widths, double pad,
              bool bold, const std::vector<TextAlign>& aligns) const {
    Row row;
    for (size_t c = 0; c < cells.size(); ++c) {
      TextStyle style;
      style.width = std::max(1.0, widths[c] - 2 * pad);
      style.bold = bold;
      style.spacing = 1.05;
      style.align = aligns.empty() ? TextAlign::kLeft : aligns[c];
      Cell cell;
      cell.layout = Make(cells[c], style);
      cell.lines = LinesOf(cell.layout.get());
      row.push_back(std::move(cell));
    }
    return row;
  }

  void Table(const DocumentBlock& b) {
    if (b.rows.empty()) return;
    Grid g;
    double total = 0;
    for (double w : b.column_weights) total += w;
    for (double w : b.column_weights) g.widths.push_back(kTextWidth * w / total);
    std::vector<Row> rows;
    Row header;
    for (size_t r = 0; r < b.rows.size(); ++r) {
      Row row = MakeRow(b.rows[r], g.widths, g.pad, b.has_header && r == 0, {});
      if (b.has_header && r == 0) {
        header = std::move(row);
      } else {
        rows.push_back(std::move(row));
      }
    }
    if (b.has_header) g.header = &header;
    PlaceRows(g, rows);
    y_ += kParagraphGap + 2;
  }

  double NaturalWidth(const RichText& text) const {
    TextStyle style;
    style.width = kTextWidth;
    const LayoutPtr l = Make(text, style);
    PangoRectangle logical;
    pango_layout_get_extents(l.get(), nullptr, &logical);
    return static_cast<double>(logical.width) / PANGO_SCALE;
  }

  // "Nomor    : value" rows: the label column as wide as its widest label (at most 40%).
  void KeyValue(const DocumentBlock& b) {
    Grid g;
    g.borders = false;
    g.pad = 1.5;
    double label = 0;
    for (const auto& row : b.rows) label = std::max(label, NaturalWidth(row[0]));
    label = std::min(label + 2 * g.pad + 6, kTextWidth * 0.4);
    const double colon = 10;
    g.widths = {label, colon, kTextWidth - label - colon};
    std::vector<Row> rows;
    for (const auto& kv : b.rows) {
      rows.push_back(MakeRow({kv[0], Plain(":"), kv[1]}, g.widths, g.pad, false,
                             {TextAlign::kLeft, TextAlign::kLeft, TextAlign::kLeft}));
    }
    PlaceRows(g, rows);
    y_ += kParagraphGap;
  }

  Status LetterheadBlock() {
    const Letterhead& lh = request_.letterhead;
    if (lh.government.empty() && lh.office.empty() && lh.address_lines.empty() &&
        lh.logo_png_path.empty()) {
      return Status::Ok();
    }
    const double logo_h = 22 * kMm;
    double logo_w = 0;
    std::shared_ptr<cairo_surface_t> logo;
    if (!lh.logo_png_path.empty()) {
      cairo_surface_t* s = cairo_image_surface_create_from_png(lh.logo_png_path.c_str());
      logo.reset(s, cairo_surface_destroy);
      if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
          cairo_image_surface_get_height(s) <= 0) {
        return InvalidArgument("letterhead logo " + lh.logo_png_path + ": not a readable PNG file");
      }
      logo_w = logo_h * cairo_image_surface_get_width(s) / cairo_image_surface_get_height(s);
    }
    // Text centred in the width right of the logo, as on a kop surat.
    const double side = logo ? logo_w + 3 * kMm : 0;
    TextStyle style;
    style.align = TextAlign::kCenter;
    style.width = kTextWidth - side;
    style.spacing = 1.0;
    std::vector<LayoutPtr> lines;
    style.bold = true;
    style.size = 13;
    if (!lh.government.empty()) lines.push_back(Make(Plain(VisibleText(lh.government)), style));
    style.size = 15;
    if (!lh.office.empty()) lines.push_back(Make(Plain(VisibleText(lh.office)), style));
    style.bold = false;
    style.size = 9;
    for (const std::string& a : lh.address_lines) {
      lines.push_back(Make(Plain(VisibleText(a)), style));
    }
    double text_h = 0;
    for (const LayoutPtr& l : lines) text_h += LinesOf(l.get()).back().bottom + 1;
    const double block_h = std::max(text_h, logo ? logo_h : 0.0);
    double y = y_ + (block_h - text_h) / 2;
    for (const LayoutPtr& l : lines) {
      const int n = static_cast<int>(LinesOf(l.get()).size());
      AddLines(l, kMarginLeft + side, y, 0, n);
      y += LinesOf(l.get()).back().bottom + 1;
    }
    if (logo) {
      Op op;
      op.kind = Op::kImage;
      op.x = kMarginLeft;
      op.y = y_ + (block_h - logo_h) / 2;
      op.w = logo_w;
      op.h = logo_h;
      op.image = logo;
      Ops().push_back(std::move(op));
    }
    y_ += block_h + 4;
    // The double rule of a kop surat: thick above thin.
    AddRect(Op::kStroke, kMarginLeft, y_, kTextWidth, 0, 2.2, 0);
    AddRect(Op::kStroke, kMarginLeft, y_ + 3, kTextWidth, 0, 0.7, 0);
    y_ += 3 + 14;
    return Status::Ok();
  }

  Result<Op> QrCode(double x, double y, double size) const {
    QRcode* qr = QRcode_encodeString(request_.qr_url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == nullptr) {
      return InvalidArgument("the verification address cannot be encoded as a QR code (" +
                             std::to_string(request_.qr_url.size()) + " bytes)");
    }
    auto modules = std::make_shared<std::vector<uint8_t>>();
    modules->reserve(static_cast<size_t>(qr->width) * qr->width);
    for (int i = 0; i < qr->width * qr->width; ++i) modules->push_back(qr->data[i] & 1);
    Op op;
    op.kind = Op::kQr;
    op.x = x;
    op.y = y;
    op.w = size;
    op.h = size;
    op.qr_width = qr->width;
    op.modules = std::move(modules);
    QRcode_free(qr);
    return op;
  }

  RichText QrCaption() const {
    RichText t = Plain(std::string(words_.qr_caption) + "\n");
    t.push_back({VisibleText(request_.qr_url), true});
    return t;
  }

  // A QR code with its caption to the right, at (x, y) within `width`; returns the height.
  Result<double> PlaceQr(double x, double y, double width) {
    ASSIGN_OR_RETURN(Op qr, QrCode(x, y, kQrSize));
    Ops().push_back(std::move(qr));
    TextStyle style;
    style.size = 7.5;
    style.spacing = 1.0;
    style.width = std::max(20.0, width - kQrSize - 3 * kMm);
    const LayoutPtr caption = Make(QrCaption(), style);
    const std::vector<LineBox> lines = LinesOf(caption.get());
    const double h = lines.back().bottom;
    AddLines(caption, x + kQrSize + 3 * kMm, y + std::max(0.0, (kQrSize - h) / 2), 0,
             static_cast<int>(lines.size()));
    return std::max(kQrSize, h);
  }

  Status QrBlock() {
    if (request_.qr_url.empty()) return Status::Ok();
    if (Room() < kQrSize && !PageEmpty()) NewPage();
    ASSIGN_OR_RETURN(double h, PlaceQr(kMarginLeft, y_, kTextWidth * 0.6));
    y_ += h + kParagraphGap;
    return Status::Ok();
  }

  struct PartyLayout {
    std::vector<LayoutPtr> above;  // place and date, role, position
    std::vector<LayoutPtr> below;  // name, rank, NIP
    bool qr = false;
  };

  PartyLayout LayoutParty(const SignatureParty& p, double width, bool qr) const {
    PartyLayout out;
    TextStyle style;
    style.width = width;
    style.align = TextAlign::kLeft;
    style.spacing = 1.1;
    auto add = [&](std::vector<LayoutPtr>& to, const std::string& text, bool bold, bool underline) {
      if (text.empty()) return;
      TextStyle s = style;
      s.bold = bold;
      s.underline = underline;
      to.push_back(Make(Plain(text), s));
    };
    std::string when = p.place;
    if (!p.place.empty() && !p.date.empty()) when += ", ";
    when += p.date;
    add(out.above, when, false, false);
    add(out.above, p.role, false, false);
    add(out.above, p.position, false, false);
    add(out.below, p.name, true, true);
    add(out.below, p.rank, false, false);
    if (!p.nip.empty()) add(out.below, "NIP. " + p.nip, false, false);
    out.qr = qr;
    return out;
  }

  static double Height(const std::vector<LayoutPtr>& ls) {
    double h = 0;
    for (const LayoutPtr& l : ls) h += LinesOf(l.get()).back().bottom;
    return h;
  }

  Status Signature(const DocumentBlock& b) {
    const size_t n = b.signers.size();
    const double width = n == 1 ? kTextWidth * 0.5 : kTextWidth * 0.46;
    std::vector<PartyLayout> parties;
    for (size_t i = 0; i < n; ++i) {
      const bool qr = b.show_qr && !request_.qr_url.empty() && i + 1 == n;
      parties.push_back(LayoutParty(b.signers[i], width, qr));
    }
    const double space = kQrSize + 4;  // room for a wet signature or the QR code
    double above = 0;
    double below = 0;
    for (const PartyLayout& p : parties) {
      above = std::max(above, Height(p.above));
      below = std::max(below, Height(p.below));
    }
    const double total = 8 + above + space + below;
    if (Room() < total && !PageEmpty()) NewPage();
    y_ += 8;
    for (size_t i = 0; i < n; ++i) {
      const double x = n == 1 || i == 1 ? kMarginLeft + kTextWidth - width : kMarginLeft;
      // Each party's lines sit at the bottom of the space above, so names line up.
      double y = y_ + above - Height(parties[i].above);
      for (const LayoutPtr& l : parties[i].above) {
        AddLines(l, x, y, 0, static_cast<int>(LinesOf(l.get()).size()));
        y += LinesOf(l.get()).back().bottom;
      }
      if (parties[i].qr) {
        ASSIGN_OR_RETURN(double h, PlaceQr(x, y_ + above + 2, width));
        (void)h;
      }
      y = y_ + above + space;
      for (const LayoutPtr& l : parties[i].below) {
        AddLines(l, x, y, 0, static_cast<int>(LinesOf(l.get()).size()));
        y += LinesOf(l.get()).back().bottom;
      }
    }
    y_ += above + space + below + kParagraphGap;
    return Status::Ok();
  }

  PangoContext* context_;
  const RenderRequest& request_;
  Words words_;
  std::vector<Page> pages_;
  double y_ = kMarginTop;
};

void DrawOp(cairo_t* cr, const Op& op) {
  cairo_set_source_rgb(cr, op.gray, op.gray, op.gray);
  switch (op.kind) {
    case Op::kLines: {
      PangoLayoutIter* it = pango_layout_get_iter(op.layout.get());
      int index = 0;
      double first_top = 0;
      do {
        if (index >= op.first && index < op.end) {
          int y0 = 0;
          int y1 = 0;
          pango_layout_iter_get_line_yrange(it, &y0, &y1);
          if (index == op.first) first_top = static_cast<double>(y0) / PANGO_SCALE;
          PangoRectangle logical;
          pango_layout_iter_get_line_extents(it, nullptr, &logical);
          const double baseline =
              static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
          cairo_move_to(cr, op.x + static_cast<double>(logical.x) / PANGO_SCALE,
                        op.y + baseline - first_top);
          pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
        }
        ++index;
      } while (index < op.end && pango_layout_iter_next_line(it));
      pango_layout_iter_free(it);
      break;
    }
    case Op::kStroke:
      cairo_set_line_width(cr, op.line_width);
      if (op.h == 0) {
        cairo_move_to(cr, op.x, op.y);
        cairo_line_to(cr, op.x + op.w, op.y);
      } else {
        cairo_rectangle(cr, op.x, op.y, op.w, op.h);
      }
      cairo_stroke(cr);
      break;
    case Op::kFill:
      cairo_rectangle(cr, op.x, op.y, op.w, op.h);
      cairo_fill(cr);
      break;
    case Op::kImage: {
      cairo_save(cr);
      cairo_translate(cr, op.x, op.y);
      cairo_scale(cr, op.w / cairo_image_surface_get_width(op.image.get()),
                  op.h / cairo_image_surface_get_height(op.image.get()));
      cairo_set_source_surface(cr, op.image.get(), 0, 0);
      cairo_paint(cr);
      cairo_restore(cr);
      break;
    }
    case Op::kQr: {
      // Vector squares, runs of dark modules in a row joined into one rectangle.
      const double m = op.w / op.qr_width;
      const std::vector<uint8_t>& q = *op.modules;
      for (int r = 0; r < op.qr_width; ++r) {
        int c = 0;
        while (c < op.qr_width) {
          if (!q[static_cast<size_t>(r) * op.qr_width + c]) {
            ++c;
            continue;
          }
          int e = c;
          while (e < op.qr_width && q[static_cast<size_t>(r) * op.qr_width + e]) ++e;
          cairo_rectangle(cr, op.x + c * m, op.y + r * m, (e - c) * m, m);
          c = e;
        }
      }
      cairo_fill(cr);
      break;
    }
  }
}

cairo_status_t AppendChunk(void* closure, const unsigned char* data, unsigned int length) {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  } catch (const std::bad_alloc&) {
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

struct ContextDeleter {
  void operator()(PangoContext* c) const { g_object_unref(c); }
};

std::unique_ptr<PangoContext, ContextDeleter> MakeContext(const std::string& language) {
  PangoFontMap* map = pango_cairo_font_map_get_default();  // per thread, not owned
  std::unique_ptr<PangoContext, ContextDeleter> context(pango_font_map_create_context(map));
  pango_cairo_context_set_resolution(context.get(), 72);  // one unit is one point
  // Unhinted metrics: the layout must not depend on a screen's pixel grid.
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context.get(), options);
  cairo_font_options_destroy(options);
  pango_context_set_round_glyph_positions(context.get(), FALSE);
  pango_context_set_language(context.get(),
                             pango_language_from_string(language == "id" ? "id" : "en"));
  return context;
}

}  // namespace

Result<RenderedPdf> RenderPdf(const RenderRequest& request) {
  ASSIGN_OR_RETURN(DocumentTemplate tpl, DocumentTemplate::Parse(request.template_text));
  ASSIGN_OR_RETURN(DocumentBody body, tpl.Expand(request.values));

  auto context = MakeContext(request.language);
  Layouter layouter(context.get(), request);
  for (const DocumentBlock& b : body.blocks) RETURN_IF_ERROR(layouter.Add(b));
  const std::vector<Page>& pages = layouter.pages();

  RenderedPdf out;
  out.pages = static_cast<int>(pages.size());
  out.missing = std::move(body.missing);
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(AppendChunk, &out.bytes, kPageWidth, kPageHeight);
  const std::string title = VisibleText(request.title);
  const std::string author = VisibleText(request.author);
  const std::string date = FormatRfc3339(request.created_at);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Pantau");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
  cairo_t* cr = cairo_create(surface);

  const Words words = WordsFor(request.language);
  TextStyle small;
  small.size = kSmallSize;
  small.spacing = 1.0;
  small.single_line = true;
  small.width = kTextWidth * 0.68;
  const LayoutPtr footer = layouter.Make(Plain(VisibleText(request.footer)), small);
  for (size_t p = 0; p < pages.size(); ++p) {
    for (const Op& op : pages[p]) DrawOp(cr, op);
    // Footer: a thin rule, the document's number and classification, the page of pages.
    Op rule;
    rule.kind = Op::kStroke;
    rule.x = kMarginLeft;
    rule.y = kFooterRuleY;
    rule.w = kTextWidth;
    rule.line_width = 0.4;
    rule.gray = 0.35;
    DrawOp(cr, rule);
    Op text;
    text.kind = Op::kLines;
    text.x = kMarginLeft;
    text.y = kFooterRuleY + 3;
    text.end = 1;
    text.gray = 0.25;
    text.layout = footer;
    DrawOp(cr, text);
    char page_text[64];
    std::snprintf(page_text, sizeof page_text, words.page_of, static_cast<int>(p + 1),
                  static_cast<int>(pages.size()));
    TextStyle right = small;
    right.width = kTextWidth * 0.3;
    right.align = TextAlign::kRight;
    text.x = kMarginLeft + kTextWidth * 0.7;
    text.layout = layouter.Make(Plain(page_text), right);
    DrawOp(cr, text);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("writing the PDF failed: ") + cairo_status_to_string(status));
  }
  return out;
}

}  // namespace pantau
