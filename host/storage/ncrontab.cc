#include "host/storage/ncrontab.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

namespace {

const char* const kFieldNames[] = {"second", "minute", "hour", "day", "month", "day-of-week"};
const int kMin[] = {0, 0, 0, 1, 1, 0};
const int kMax[] = {59, 59, 23, 31, 12, 7};

const char* const kMonthNames[] = {"january",   "february", "march",    "april",
                                   "may",       "june",     "july",     "august",
                                   "september", "october",  "november", "december"};
const char* const kDayNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                 "thursday", "friday", "saturday"};

bool ParseValue(const std::string& token, int field, int* value) {
  if (token.empty()) return false;
  if (std::isdigit(static_cast<unsigned char>(token[0]))) {
    for (char c : token) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    if (token.size() > 4) return false;
    *value = std::atoi(token.c_str());
    return true;
  }
  std::string t = ToLower(token);
  if (field == 4) {
    for (int i = 0; i < 12; ++i) {
      std::string full = kMonthNames[i];
      if (t == full || (t.size() == 3 && full.compare(0, 3, t) == 0)) {
        *value = i + 1;
        return true;
      }
    }
  } else if (field == 5) {
    for (int i = 0; i < 7; ++i) {
      std::string full = kDayNames[i];
      if (t == full || (t.size() == 3 && full.compare(0, 3, t) == 0)) {
        *value = i;
        return true;
      }
    }
  }
  return false;
}

// Parses one field into bits[min..max]. *wild is set when the field has '*'
// or a step.
Status ParseField(const std::string& expr, int field, const std::string& text,
                  std::vector<bool>* bits, bool* wild) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("schedule '" + expr + "': " + kFieldNames[field] + " field '" +
                                   text + "': " + what);
  };
  const int lo = kMin[field], hi = kMax[field];
  bits->assign(hi + 1, false);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) return bad("empty list item");
    int step = 1;
    bool has_step = false;
    size_t slash = item.find('/');
    if (slash != std::string::npos) {
      std::string s = item.substr(slash + 1);
      if (!ParseValue(s, -1, &step) || step <= 0)
        return bad("step '" + s + "' is not a positive number");
      if (step > hi) return bad("step " + s + " is larger than the field's range");
      has_step = true;
      item = item.substr(0, slash);
    }
    int a, b;
    if (item == "*") {
      a = lo;
      b = field == 5 ? 6 : hi;
      *wild = true;
    } else {
      size_t dash = item.find('-');
      std::string first = item.substr(0, dash);
      if (!ParseValue(first, field, &a)) return bad("'" + first + "' is not a valid value");
      if (dash != std::string::npos) {
        std::string second = item.substr(dash + 1);
        if (!ParseValue(second, field, &b)) return bad("'" + second + "' is not a valid value");
      } else {
        b = has_step ? (field == 5 ? 6 : hi) : a;  // "5/15" = 5..max every 15
      }
      if (a < lo || a > hi || b < lo || b > hi) {
        return bad("value out of range " + std::to_string(lo) + "-" +
                   std::to_string(field == 5 ? 6 : hi));
      }
      if (a > b) return bad("range " + item + " runs backwards");
    }
    if (has_step) *wild = true;
    for (int v = a; v <= b; v += step) (*bits)[v] = true;
    if (comma == text.size()) break;
  }
  if (field == 5 && (*bits)[7]) (*bits)[0] = true;  // 7 = Sunday
  return Status::OK();
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}

template <size_t N>
int NextSet(const std::bitset<N>& bits, int from) {
  for (int i = from; i < static_cast<int>(N); ++i) {
    if (bits[i]) return i;
  }
  return -1;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Status CronSchedule::Parse(const std::string& expression, std::unique_ptr<CronSchedule>* out) {
  std::istringstream in(expression);
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  if (fields.size() != 6) {
    return Status::InvalidArgument(
        "schedule '" + expression + "' has " + std::to_string(fields.size()) +
        " fields; NCRONTAB needs six: {second} {minute} {hour} {day} {month} {day-of-week}");
  }
  auto s = std::make_unique<CronSchedule>();
  s->expression_ = expression;
  std::vector<bool> bits;
  bool wild[6] = {false, false, false, false, false, false};
  for (int i = 0; i < 6; ++i) {
    Status st = ParseField(expression, i, fields[i], &bits, &wild[i]);
    if (!st.ok()) return st;
    for (size_t v = 0; v < bits.size(); ++v) {
      if (!bits[v]) continue;
      switch (i) {
        case 0:
          s->seconds_.set(v);
          break;
        case 1:
          s->minutes_.set(v);
          break;
        case 2:
          s->hours_.set(v);
          break;
        case 3:
          s->days_.set(v);
          break;
        case 4:
          s->months_.set(v);
          break;
        case 5:
          if (v < 7) s->weekdays_.set(v);
          break;
      }
    }
  }
  s->fires_in_both_overlaps_ = wild[0] || wild[1] || wild[2];
  *out = std::move(s);
  return Status::OK();
}

bool CronSchedule::NextLocal(int64_t local, int64_t* match) const {
  int64_t days = FloorDiv(local, 86400);
  int64_t sod = local - days * 86400;
  int64_t y;
  unsigned mu, du;
  CivilFromDays(days, &y, &mu, &du);
  int mo = static_cast<int>(mu), d = static_cast<int>(du);
  int h = static_cast<int>(sod / 3600), mi = static_cast<int>(sod / 60 % 60),
      s = static_cast<int>(sod % 60);
  const int64_t last_year = y + 100;
  for (;;) {
    if (y > last_year) return false;
    if (!months_[mo]) {
      if (++mo > 12) {
        mo = 1;
        ++y;
      }
      d = 1;
      h = mi = s = 0;
      continue;
    }
    if (d > DaysInMonth(y, mo)) {
      if (++mo > 12) {
        mo = 1;
        ++y;
      }
      d = 1;
      h = mi = s = 0;
      continue;
    }
    int64_t day_number = DaysFromCivil(y, mo, d);
    int wday = static_cast<int>(((day_number % 7) + 11) % 7);
    if (!days_[d] || !weekdays_[wday]) {
      ++d;
      h = mi = s = 0;
      continue;
    }
    int nh = NextSet(hours_, h);
    if (nh < 0) {
      ++d;
      h = mi = s = 0;
      continue;
    }
    if (nh != h) {
      h = nh;
      mi = s = 0;
    }
    int nm = NextSet(minutes_, mi);
    if (nm < 0) {
      mi = s = 0;
      if (++h > 23) {
        h = 0;
        ++d;
      }
      continue;
    }
    if (nm != mi) {
      mi = nm;
      s = 0;
    }
    int ns = NextSet(seconds_, s);
    if (ns < 0) {
      s = 0;
      if (++mi > 59) {
        mi = 0;
        if (++h > 23) {
          h = 0;
          ++d;
        }
      }
      continue;
    }
    *match = day_number * 86400 + h * 3600 + mi * 60 + ns;
    return true;
  }
}

bool CronSchedule::Next(int64_t after, const TimeZone& tz, int64_t* next) const {
  const int64_t t = after + 1;
  const int64_t kSlack = 3 * 3600;  // larger than any real DST shift
  const int o_now = tz.OffsetAt(t);
  const int o_later = tz.OffsetAt(t + kSlack);
  // Instants just after a fall-back transition show earlier wall times than
  // t does; start the wall-clock search early enough to see them.
  int64_t c = t + o_now - (o_later < o_now ? o_now - o_later : 0);
  bool found = false;
  int64_t best = 0, best_wall = 0;
  for (int guard = 0; guard < 200000; ++guard) {
    int64_t wall;
    if (!NextLocal(c, &wall)) break;
    if (found && wall > best_wall + kSlack) break;
    int64_t u[2], gap_end = 0;
    int n = tz.LocalToUtc(wall, u, &gap_end);
    int64_t cands[2];
    int nc = 0;
    if (n == 0) {
      cands[nc++] = gap_end;
    } else {
      cands[nc++] = u[0];
      if (n == 2 && fires_in_both_overlaps_) cands[nc++] = u[1];
    }
    for (int i = 0; i < nc; ++i) {
      if (cands[i] >= t && (!found || cands[i] < best)) {
        found = true;
        best = cands[i];
        best_wall = wall;
      }
    }
    // Where the offset does not change between t and a little past the
    // match, wall time and instants run in step: the first match is it.
    if (found && tz.OffsetAt(best + kSlack) == o_now && o_later == o_now) break;
    c = wall + 1;
  }
  if (found) *next = best;
  return found;
}

bool IntervalSchedule::LooksLikeTimeSpan(const std::string& e) {
  if (e.find(':') == std::string::npos) return false;
  for (char c : e) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return true;
}

Status IntervalSchedule::Parse(const std::string& expression,
                               std::unique_ptr<IntervalSchedule>* out) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("schedule '" + expression + "': " + what +
                                   " (a TimeSpan is hh:mm:ss or d.hh:mm:ss)");
  };
  if (!LooksLikeTimeSpan(expression)) return bad("not a TimeSpan");
  std::string e = expression;
  int64_t days = 0;
  size_t colon = e.find(':');
  size_t dot = e.find('.');
  if (dot != std::string::npos && dot < colon) {
    days = std::atoll(e.substr(0, dot).c_str());
    if (dot == 0) return bad("empty day count");
    e = e.substr(dot + 1);
  }
  // Drop a fraction of seconds.
  size_t last_colon = e.rfind(':');
  size_t frac = e.find('.', last_colon);
  if (frac != std::string::npos) e = e.substr(0, frac);
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    size_t c = e.find(':', pos);
    parts.push_back(e.substr(pos, c == std::string::npos ? std::string::npos : c - pos));
    if (c == std::string::npos) break;
    pos = c + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) return bad("expected hh:mm or hh:mm:ss");
  int v[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].size() > 2 || parts[i].find('.') != std::string::npos) {
      return bad("'" + parts[i] + "' is not a two-digit number");
    }
    v[i] = std::atoi(parts[i].c_str());
  }
  if (v[0] > 23 || v[1] > 59 || v[2] > 59) return bad("hours, minutes or seconds out of range");
  auto s = std::make_unique<IntervalSchedule>();
  s->expression_ = expression;
  s->seconds_ = days * 86400 + v[0] * 3600 + v[1] * 60 + v[2];
  if (s->seconds_ <= 0) return bad("the interval must be positive");
  *out = std::move(s);
  return Status::OK();
}

bool IntervalSchedule::Next(int64_t after, const TimeZone&, int64_t* next) const {
  *next = after + seconds_;
  return true;
}

Status ParseSchedule(const std::string& expression, std::unique_ptr<Schedule>* out) {
  if (IntervalSchedule::LooksLikeTimeSpan(expression)) {
    std::unique_ptr<IntervalSchedule> s;
    Status st = IntervalSchedule::Parse(expression, &s);
    if (st.ok()) *out = std::move(s);
    return st;
  }
  std::unique_ptr<CronSchedule> s;
  Status st = CronSchedule::Parse(expression, &s);
  if (st.ok()) *out = std::move(s);
  return st;
}

}  // namespace storage
}  // namespace pyfn
