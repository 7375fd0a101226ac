// Record formats, the loader's entry point to them: how one record of a
// registry file turns into a 64-bit E.164 key (with an add/delete op and a
// date where the layout has them), or into a reason it was rejected. Three
// parts, each in its own header:
//   record_layout.h       what a format is (RecordLayout), the presets
//                         (LayoutForFormat) and declared settings
//                         (ApplyLayoutSetting);
//   record_date_format.h  date fields: a layout's date_format, checked and
//                         read (ParseDateWithFormat);
//   record_parser.h       RecordParser: a layout checked (Create) and
//                         records read with it (Parse, ParseFields).
#ifndef DNC_LOADER_RECORD_FORMAT_H_
#define DNC_LOADER_RECORD_FORMAT_H_

#include "loader/record_date_format.h"
#include "loader/record_layout.h"
#include "loader/record_parser.h"

#endif  // DNC_LOADER_RECORD_FORMAT_H_
