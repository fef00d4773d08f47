Kasus {{case.number}}: {{case.title}} ({{case.risk}}, skor {{case.score}}, {{case.confirmed}}).
Nilai kosong: [{{case.none}}] [{{case.nothing}}] [{{case.tags}}] [{{nowhere.at.all}}].
