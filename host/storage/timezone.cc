#include "host/storage/timezone.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

namespace {

// WEBSITE_TIME_ZONE takes Windows names on Windows plans; the common ones map
// to their IANA zone (CLDR's windowsZones, territory 001).
const struct {
  const char* windows;
  const char* iana;
} kWindowsZones[] = {
    {"UTC", "UTC"},
    {"Coordinated Universal Time", "UTC"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"Romance Standard Time", "Europe/Paris"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"FLE Standard Time", "Europe/Kiev"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"India Standard Time", "Asia/Kolkata"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"Eastern Standard Time", "America/New_York"},
    {"Central Standard Time", "America/Chicago"},
    {"Mountain Standard Time", "America/Denver"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Argentina Standard Time", "America/Buenos_Aires"},
    {"Mexico Standard Time", "America/Mexico_City"},
};

int64_t Be(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// POSIX TZ lexing helpers over s[*i].
bool ParseName(const std::string& s, size_t* i) {
  if (*i < s.size() && s[*i] == '<') {
    size_t e = s.find('>', *i);
    if (e == std::string::npos) return false;
    *i = e + 1;
    return true;
  }
  size_t start = *i;
  while (*i < s.size() && std::isalpha(static_cast<unsigned char>(s[*i]))) ++*i;
  return *i - start >= 3;
}

bool ParseNum(const std::string& s, size_t* i, int* out) {
  size_t start = *i;
  int v = 0;
  while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i])) && *i - start < 4) {
    v = v * 10 + (s[*i] - '0');
    ++*i;
  }
  *out = v;
  return *i > start;
}

// [+-]hh[:mm[:ss]] -> seconds (sign as written).
bool ParseHms(const std::string& s, size_t* i, int* out) {
  int sign = 1;
  if (*i < s.size() && (s[*i] == '+' || s[*i] == '-')) {
    if (s[*i] == '-') sign = -1;
    ++*i;
  }
  int h = 0, m = 0, sec = 0;
  if (!ParseNum(s, i, &h) || h > 167) return false;
  if (*i < s.size() && s[*i] == ':') {
    ++*i;
    if (!ParseNum(s, i, &m) || m > 59) return false;
    if (*i < s.size() && s[*i] == ':') {
      ++*i;
      if (!ParseNum(s, i, &sec) || sec > 59) return false;
    }
  }
  *out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

bool ParseDate(const std::string& s, size_t* i, TimeZone::PosixRule::Date* d) {
  if (*i >= s.size()) return false;
  if (s[*i] == 'M') {
    d->kind = 'M';
    ++*i;
    if (!ParseNum(s, i, &d->a) || d->a < 1 || d->a > 12) return false;
    if (*i >= s.size() || s[(*i)++] != '.') return false;
    if (!ParseNum(s, i, &d->b) || d->b < 1 || d->b > 5) return false;
    if (*i >= s.size() || s[(*i)++] != '.') return false;
    if (!ParseNum(s, i, &d->c) || d->c > 6) return false;
  } else if (s[*i] == 'J') {
    d->kind = 'J';
    ++*i;
    if (!ParseNum(s, i, &d->a) || d->a < 1 || d->a > 365) return false;
  } else {
    d->kind = 'D';
    if (!ParseNum(s, i, &d->a) || d->a > 365) return false;
  }
  d->time = 7200;
  if (*i < s.size() && s[*i] == '/') {
    ++*i;
    if (!ParseHms(s, i, &d->time)) return false;
  }
  return true;
}

// Local (wall) seconds of the rule date in year y, from 00:00 local Jan 1st
// counted as Unix-style days.
int64_t RuleLocalTime(const TimeZone::PosixRule::Date& d, int64_t y) {
  int64_t day;
  if (d.kind == 'J') {
    day = DaysFromCivil(y, 1, 1) + d.a - 1 + ((IsLeap(y) && d.a >= 60) ? 1 : 0);
  } else if (d.kind == 'D') {
    day = DaysFromCivil(y, 1, 1) + d.a;
  } else {
    int64_t first = DaysFromCivil(y, d.a, 1);
    int wday_first = static_cast<int>(((first % 7) + 11) % 7);  // 0 = Sunday
    int64_t dd = first + ((d.c - wday_first + 7) % 7) + 7 * (d.b - 1);
    static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int mdays = kMonthDays[d.a - 1] + ((d.a == 2 && IsLeap(y)) ? 1 : 0);
    while (dd >= first + mdays) dd -= 7;  // week 5 = the last such weekday
    day = dd;
  }
  return day * 86400 + d.time;
}

}  // namespace

bool TimeZone::ParsePosixRule(const std::string& tz, PosixRule* rule) {
  *rule = PosixRule();
  size_t i = 0;
  if (!ParseName(tz, &i)) return false;
  int off;
  if (!ParseHms(tz, &i, &off)) return false;
  rule->std_offset = -off;
  if (i == tz.size()) {
    rule->valid = true;
    return true;
  }
  if (!ParseName(tz, &i)) return false;
  rule->has_dst = true;
  rule->dst_offset = rule->std_offset + 3600;
  if (i < tz.size() && tz[i] != ',') {
    if (!ParseHms(tz, &i, &off)) return false;
    rule->dst_offset = -off;
  }
  if (i == tz.size()) {
    // No rule: POSIX leaves it to the implementation; glibc uses the US rule.
    rule->start = {'M', 3, 2, 0, 7200};
    rule->end = {'M', 11, 1, 0, 7200};
    rule->valid = true;
    return true;
  }
  if (tz[i++] != ',') return false;
  if (!ParseDate(tz, &i, &rule->start)) return false;
  if (i >= tz.size() || tz[i++] != ',') return false;
  if (!ParseDate(tz, &i, &rule->end)) return false;
  if (i != tz.size()) return false;
  rule->valid = true;
  return true;
}

int TimeZone::PosixRule::OffsetAt(int64_t utc) const {
  if (!has_dst) return std_offset;
  int64_t days = (utc + std_offset) / 86400 - ((utc + std_offset) % 86400 < 0 ? 1 : 0);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t s = RuleLocalTime(start, y) - std_offset;
  int64_t e = RuleLocalTime(end, y) - dst_offset;
  bool dst = s < e ? (utc >= s && utc < e) : !(utc >= e && utc < s);
  return dst ? dst_offset : std_offset;
}

TimeZone::TimeZone() = default;

Status TimeZone::ParseTzif(const std::string& data) {
  auto bad = [this](const std::string& what) {
    return Status::InvalidArgument("time zone '" + name_ + "': malformed TZif file (" + what + ")");
  };
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  if (n < 44 || std::memcmp(p, "TZif", 4) != 0) return bad("no TZif header");
  char version = data[4];
  size_t pos = 0;
  int time_size = 4;
  for (int pass = 0; pass < 2; ++pass) {
    if (pos + 44 > n || std::memcmp(p + pos, "TZif", 4) != 0) return bad("truncated header");
    const unsigned char* h = p + pos + 20;
    int64_t isutcnt = Be(h, 4), isstdcnt = Be(h + 4, 4), leapcnt = Be(h + 8, 4),
            timecnt = Be(h + 12, 4), typecnt = Be(h + 16, 4), charcnt = Be(h + 20, 4);
    if (isutcnt < 0 || isstdcnt < 0 || leapcnt < 0 || timecnt < 0 || typecnt <= 0 || charcnt < 0) {
      return bad("bad counts");
    }
    pos += 44;
    size_t body = timecnt * time_size + timecnt + typecnt * 6 + charcnt +
                  leapcnt * (time_size + 4) + isstdcnt + isutcnt;
    if (pos + body > n) return bad("truncated data");
    if (pass == 0 && version >= '2') {
      pos += body;  // skip the 32-bit block; the 64-bit one follows
      time_size = 8;
      continue;
    }
    const unsigned char* t = p + pos;
    const unsigned char* idx = t + timecnt * time_size;
    const unsigned char* types = idx + timecnt;
    std::vector<int> type_offsets(typecnt);
    for (int64_t k = 0; k < typecnt; ++k) type_offsets[k] = static_cast<int>(Be(types + 6 * k, 4));
    transitions_.clear();
    offsets_.clear();
    for (int64_t k = 0; k < timecnt; ++k) {
      if (idx[k] >= typecnt) return bad("bad type index");
      transitions_.push_back(Be(t + k * time_size, time_size));
      offsets_.push_back(type_offsets[idx[k]]);
    }
    initial_offset_ = type_offsets[0];
    pos += body;
    break;
  }
  if (version >= '2' && pos < n && data[pos] == '\n') {
    size_t e = data.find('\n', pos + 1);
    if (e != std::string::npos && e > pos + 1) {
      if (!ParsePosixRule(data.substr(pos + 1, e - pos - 1), &footer_)) return bad("bad footer");
    }
  }
  return Status::OK();
}

Status TimeZone::Load(const std::string& name_in, TimeZone* tz) {
  *tz = TimeZone();
  std::string name = name_in;
  if (!name.empty() && name[0] == ':') name.erase(0, 1);
  if (name.empty()) return Status::InvalidArgument("time zone name is empty");
  for (const auto& w : kWindowsZones) {
    if (EqualsIgnoreCase(name, w.windows)) {
      name = w.iana;
      break;
    }
  }
  tz->name_ = name_in;
  std::string path;
  if (name[0] == '/') {
    path = name;
  } else {
    if (name.find("..") != std::string::npos) {
      return Status::InvalidArgument("time zone '" + name_in + "' is not a zone name");
    }
    const char* dir = std::getenv("TZDIR");
    path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  }
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    return tz->ParseTzif(ss.str());
  }
  if (EqualsIgnoreCase(name, "UTC") || EqualsIgnoreCase(name, "Etc/UTC")) return Status::OK();
  if (name.find_first_of("0123456789") != std::string::npos && ParsePosixRule(name, &tz->footer_)) {
    return Status::OK();
  }
  return Status::NotFound("time zone '" + name_in + "' not found (looked for " + path + ")");
}

Status TimeZone::FromEnvironment(TimeZone* tz,
                                 const std::function<const char*(const char*)>& getenv_fn) {
  auto get = [&](const char* n) -> const char* {
    return getenv_fn ? getenv_fn(n) : std::getenv(n);
  };
  for (const char* var : {"WEBSITE_TIME_ZONE", "TZ"}) {
    const char* v = get(var);
    if (v != nullptr && *v != '\0') {
      Status s = Load(v, tz);
      return s.ok() ? s : s.WithContext(var);
    }
  }
  *tz = TimeZone();
  return Status::OK();
}

int TimeZone::OffsetAt(int64_t utc) const {
  if (transitions_.empty() || utc < transitions_.front()) {
    if (transitions_.empty() && footer_.valid) return footer_.OffsetAt(utc);
    return initial_offset_;
  }
  if (utc >= transitions_.back() && footer_.valid) return footer_.OffsetAt(utc);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  return offsets_[(it - transitions_.begin()) - 1];
}

int TimeZone::LocalToUtc(int64_t local, int64_t out[2], int64_t* gap_end) const {
  // Offsets stay within +-26 h, and real zones never change twice within two
  // days, so the offsets at both ends of that window are the candidates.
  const int64_t kWindow = 26 * 3600;
  int o1 = OffsetAt(local - kWindow);
  int o2 = OffsetAt(local + kWindow);
  int count = 0;
  for (int o : {o1, o2}) {
    int64_t u = local - o;
    if (OffsetAt(u) == o && (count == 0 || out[0] != u)) out[count++] = u;
    if (o1 == o2) break;
  }
  if (count == 2 && out[0] > out[1]) std::swap(out[0], out[1]);
  if (count == 0 && gap_end != nullptr) {
    // Gap (o2 > o1): the transition lies in (local - o2, local - o1].
    int64_t lo = local - std::max(o1, o2), hi = local - std::min(o1, o2);
    int after = OffsetAt(hi);
    while (hi - lo > 1) {
      int64_t mid = lo + (hi - lo) / 2;
      if (OffsetAt(mid) == after)
        hi = mid;
      else
        lo = mid;
    }
    *gap_end = hi;
  }
  return count;
}

}  // namespace storage
}  // namespace pyfn
