// SDMX-CSV 2.0: STRUCTURE,STRUCTURE_ID,ACTION,<dimensions>,TIME_PERIOD,OBS_VALUE,<attributes>
// (docs/loading.md, "SDMX-CSV"). A series code is made of its dimension values (FREQ excluded).
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "load/formats/format_reader.hpp"

namespace ixdb::load::internal {

namespace {

using storage::ObsStatus;

struct SdmxSchema {
  int period = -1, value = -1, vintage = -1;
  // Dimension columns (between ACTION and TIME_PERIOD), FREQ, REF_AREA, attributes.
  std::vector<int> dimensions;
  int action = -1, freq_dim = -1, area_dim = -1, obs_status = -1, unit_mult = -1, unit_measure = -1;
};

class SdmxReader final : public FormatReader {
 public:
  SdmxReader(SdmxSchema sc, size_t width) : sc_(std::move(sc)) { width_ = width; }

  void Read(RowContext& row, const std::vector<std::string_view>& f) override {
    uint32_t series;
    if (!SeriesOf(row, f, &series)) return;
    bool deleted = false;
    if (!ActionOf(row, f, &deleted)) return;
    ParsedPeriod p;
    if (!row.PeriodCell(f[sc_.period], sc_.period, &p)) return;
    double value = storage::kMissing;
    if (!ValueOf(row, f, deleted, &value)) return;
    const uint8_t status = StatusOf(f, &value);
    int32_t vintage;
    if (!row.Vintage(f, sc_.vintage, &vintage)) return;
    if (!AddSeriesMeta(row, f, series)) return;
    row.SeePeriod(series, p);
    PendingObs o = row.NewObs(series, p, vintage, value, sc_.period);
    o.status = status;
    if (deleted) o.flags |= kObsDeleted;
    row.PushObs(o, 0, 0);
  }

 private:
  using Fields = std::vector<std::string_view>;

  // Series code: the dimension values (FREQ excluded), lower case, joined by '_'.
  bool SeriesOf(RowContext& row, const Fields& f, uint32_t* series) {
    std::string& code_ = code_buf_;
    code_.clear();
    for (int d : sc_.dimensions) {
      std::string_view v = Trim(f[d]);
      if (v.empty()) {
        row.Error(RowContext::Col(d), "empty dimension value");
        return false;
      }
      if (!code_.empty()) code_ += '_';
      for (char c : v) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        code_ += alnum ? static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) : '_';
      }
    }
    if (!(code_[0] >= 'a' && code_[0] <= 'z')) code_.insert(0, "s_");
    return row.Series(code_, sc_.dimensions.front(), series);
  }

  // ACTION: D deletes; I, A, R (or none) add or replace.
  bool ActionOf(RowContext& row, const Fields& f, bool* deleted) {
    if (sc_.action >= 0) {
      std::string_view a = Trim(f[sc_.action]);
      if (a == "D" || a == "d") {
        *deleted = true;
      } else if (!(a.empty() || a == "I" || a == "A" || a == "R" || a == "i" || a == "a" ||
                   a == "r")) {
        row.Error(RowContext::Col(sc_.action),
                  "unknown ACTION " + Quote(a) + " (expected I, A, R or D)");
        return false;
      }
    }
    return true;
  }

  // OBS_VALUE, times 10^UNIT_MULT if given; left blank for a deletion or an empty cell.
  bool ValueOf(RowContext& row, const Fields& f, bool deleted, double* value) {
    std::string_view vt = Trim(f[sc_.value]);
    if (!deleted && !vt.empty()) {
      if (sc_.unit_mult >= 0) {
        std::string_view m = Trim(f[sc_.unit_mult]);
        if (!m.empty() && m != "0") return ScaledValue(row, vt, m, value);
        if (!row.Number(vt, sc_.value, "OBS_VALUE", value, nullptr)) return false;
      } else if (!row.Number(vt, sc_.value, "OBS_VALUE", value, nullptr)) {
        return false;
      }
    }
    return true;
  }

  // OBS_VALUE `vt` with UNIT_MULT `m` (not empty, not 0).
  bool ScaledValue(RowContext& row, std::string_view vt, std::string_view m, double* value) {
    int mult = 0;
    bool ok = m.size() <= 3;
    for (size_t i = (m[0] == '-' ? 1 : 0); ok && i < m.size(); ++i) {
      ok = m[i] >= '0' && m[i] <= '9';
    }
    if (ok) mult = std::atoi(std::string(m).c_str());
    if (!ok || mult < -30 || mult > 30) {
      row.Error(RowContext::Col(sc_.unit_mult),
                "bad UNIT_MULT " + Quote(m) + " (expected an integer power of 10)");
      return false;
    }
    double base;
    if (!row.Number(vt, sc_.value, "OBS_VALUE", &base, nullptr)) return false;
    if (!std::isnan(base)) {
      // Scale in decimal (the written digits with the exponent added), so that 20011.65
      // with UNIT_MULT 8 is exactly 2001165000000.
      std::string written(vt);
      written.erase(std::remove(written.begin(), written.end(), ','), written.end());
      written += "e" + std::to_string(mult);
      if (!ParseNumber(written, value)) *value = base * std::pow(10.0, mult);
    }
    return true;
  }

  // OBS_STATUS (SDMX code list CL_OBS_STATUS); M, L and O blank the value.
  uint8_t StatusOf(const Fields& f, double* value) const {
    uint8_t status = 0;
    if (sc_.obs_status >= 0) {
      std::string_view s = Trim(f[sc_.obs_status]);
      if (s == "E" || s == "F") status = static_cast<uint8_t>(ObsStatus::kEstimate);
      if (s == "P") status = static_cast<uint8_t>(ObsStatus::kPreliminary);
      if (s == "R") status = static_cast<uint8_t>(ObsStatus::kRevised);
      if (s == "M" || s == "L" || s == "O") *value = storage::kMissing;
    }
    return status;
  }

  // FREQ, REF_AREA and UNIT_MEASURE as the series' metadata.
  bool AddSeriesMeta(RowContext& row, const Fields& f, uint32_t series) {
    if (sc_.freq_dim >= 0) {
      std::string_view fr = Trim(f[sc_.freq_dim]);
      if (!fr.empty()) {
        auto r = ParseFrequency(fr);
        if (!r.ok()) {
          // SDMX also has S (half-yearly), W, D...: not supported.
          row.Error(RowContext::Col(sc_.freq_dim),
                    "unsupported FREQ " + Quote(fr) + " (expected A, Q or M)");
          return false;
        }
        row.AddMeta(series, kMetaFrequency, sc_.freq_dim, FrequencyName(*r));
      }
    }
    if (sc_.area_dim >= 0)
      row.AddMeta(series, kMetaRegion, sc_.area_dim, std::string(Trim(f[sc_.area_dim])));
    if (sc_.unit_measure >= 0) {
      std::string_view u = Trim(f[sc_.unit_measure]);
      if (!u.empty()) row.AddMeta(series, kMetaUnit, sc_.unit_measure, std::string(u));
    }
    return true;
  }

  SdmxSchema sc_;
  std::string code_buf_;
};

bool Detect(const Header& h) {
  return h.names[0] == "structure" || h.names[0] == "dataflow" ||
         (h.Has("time_period") && h.Has("obs_value"));
}

OpenedHeader Open(const Header& h, const HeaderOptions&) {
  const std::vector<std::string>& names = h.names;
  SdmxSchema sc;
  int time = -1, value = -1;
  size_t first_dim = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (i == 0 && (n == "structure" || n == "dataflow")) {
      first_dim = 1;
    } else if (i == first_dim && i > 0 && n == "structure_id") {
      first_dim = i + 1;
    } else if (i == first_dim && n == "action") {
      sc.action = static_cast<int>(i);
      first_dim = i + 1;
    } else if (n == "time_period") {
      time = static_cast<int>(i);
    } else if (n == "obs_value") {
      value = static_cast<int>(i);
    }
  }
  if (time < 0) return OpenedHeader::Bad(names.size() - 1, "SDMX-CSV needs a TIME_PERIOD column");
  if (value < 0) return OpenedHeader::Bad(names.size() - 1, "SDMX-CSV needs an OBS_VALUE column");
  if (value < time) return OpenedHeader::Bad(value, "OBS_VALUE must come after TIME_PERIOD");
  sc.period = time;
  sc.value = value;
  for (int i = static_cast<int>(first_dim); i < time; ++i) {
    const std::string& n = names[i];
    if (n == "freq" || n == "frequency") {
      sc.freq_dim = i;
      continue;
    }
    if (n == "ref_area" || n == "geo" || n == "region") sc.area_dim = i;
    sc.dimensions.push_back(i);
  }
  if (sc.dimensions.empty()) {
    return OpenedHeader::Bad(time,
                             "SDMX-CSV needs at least one dimension column before TIME_PERIOD");
  }
  for (size_t i = value + 1; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n == "obs_status") sc.obs_status = static_cast<int>(i);
    if (n == "unit_mult") sc.unit_mult = static_cast<int>(i);
    if (n == "unit_measure" || n == "unit") sc.unit_measure = static_cast<int>(i);
    if (n == "vintage") sc.vintage = static_cast<int>(i);
  }
  OpenedHeader r;
  r.reader = std::make_unique<SdmxReader>(std::move(sc), names.size());
  return r;
}

}  // namespace

FormatDef SdmxFormat() {
  return {Format::kSdmx, "sdmx", "SDMX-CSV (STRUCTURE,...,TIME_PERIOD,OBS_VALUE)", Detect, Open};
}

}  // namespace ixdb::load::internal
