{{#case.note}}
Catatan: {{case.note}}
{{/case.note}}
{{^case.note}}
Tidak ada catatan.
{{/case.note}}
Status: {{#case.closed}}ditutup{{/case.closed}}{{^case.closed}}terbuka{{/case.closed}}.
{{#case}}Kasus {{number}} dalam konteks objek.{{/case}}
{{^missing_list}}Daftar kosong.{{/missing_list}}
{{#empty_string}}tidak tampil{{/empty_string}}{{^empty_string}}string kosong dianggap kosong{{/empty_string}}
{{?list}}
Ada {{@number}} daftar:
{{/list}}
{{#list}}
- {{.}}
{{/list}}
{{?missing_list}}tidak tampil{{/missing_list}}
