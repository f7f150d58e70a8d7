package extract

import "testing"

// TestPageFurnitureIsNotAClaim: what a news site wraps around an article
// (appeals for money, sign-up and share prompts, subscription offers,
// correction notes) is never a candidate claim, however it is worded,
// while news that reports on donations, subscribers, newsletters or social
// networks stays a claim. Each line is read inside an article, between
// paragraphs of news.
func TestPageFurnitureIsNotAClaim(t *testing.T) {
	furniture := []string{
		"Sign up for our daily briefing and start every morning with the stories that matter.",
		"Never miss a story: get our alerts straight to your inbox.",
		"Share this story on Facebook or WhatsApp.",
		"Follow us on Instagram for pictures from the scene.",
		"Subscribe today and save 40% on your first three months.",
		"Your gift of any size helps us keep our reporters in the courts and councils.",
		"Readers like you keep this site free for everyone who needs it.",
		"Already a subscriber? Sign in to keep reading.",
		"Advertisement",
		"This story was updated at 4pm with a statement from the council.",
		"Listen to our podcast wherever you get your podcasts.",
		"Join more than 50,000 people who get our newsletter every Friday.",
		"Tell us what you think: comments below are open for 48 hours.",
		"Help us hold power to account with a donation of £3 a month.",
	}
	news := []string{
		"The party accepted a £5 million donation from a property developer in 2023.",
		"Donations to food banks rose by 30% last winter, the Trussell Trust said.",
		"Netflix added 9 million subscribers in the last three months of the year.",
		"The regulator found that 40% of websites set cookies before asking for consent.",
		"A post shared 20,000 times on Facebook claims you can cure a cold with vinegar.",
		"If you earn more than £100,000 you lose £1 of your personal allowance for every £2 above it.",
		"The newsletter, sent to 3,000 party members, said crime in the town had doubled.",
		"Applications to the scheme fell by a quarter after the minister said we would cut its budget.",
		"TikTok said it removed 30 million videos in the first quarter.",
		"The charity said the grant will help us build 300 homes by 2027.",
	}
	// read extracts line between two paragraphs of news and returns the
	// sentences it splits into.
	read := func(line string) []Sentence {
		const before, after = "The council met on Tuesday to set its budget for the year.\n\n", "\n\nIts leader said 300 homes would be built by 2027."
		var out []Sentence
		for _, s := range Extract(before + line + after) {
			if s.Start >= len(before) && s.End <= len(before)+len(line) {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			t.Fatalf("no sentence found in %q", line)
		}
		return out
	}
	for _, line := range furniture {
		for _, s := range read(line) {
			if !s.Boilerplate() || s.Type != NotClaim || s.CheckWorthy {
				t.Errorf("furniture read as a claim: %q (type %s, score %.2f)", s.Text, s.Type, s.Score)
			}
		}
	}
	for _, line := range news {
		for _, s := range read(line) {
			if s.Boilerplate() || s.Type == NotClaim {
				t.Errorf("news read as site furniture: %q (reasons %q)", s.Text, s.Reasons)
			}
		}
	}

	// A paragraph of an appeal goes as a whole, its plainer sentences too;
	// a news paragraph quoting one appeal keeps its news.
	appeal := "We are a small team and we do not answer to shareholders. Your contribution makes that possible. " +
		"Every month 12,000 readers give what they can. Support us from just £1."
	for _, s := range Extract(appeal + "\n\nThe council said 300 homes would be built by 2027.") {
		if s.Start < len(appeal) && !s.Boilerplate() {
			t.Errorf("a sentence of an appeal kept: %q", s.Text)
		}
	}
	report := "The charity's income fell by 20% last year, its accounts show. Its chief executive said donations had dried up. " +
		"Its website now asks visitors to donate now. The regulator said it would review the accounts."
	kept := 0
	for _, s := range Extract(report) {
		if !s.Boilerplate() {
			kept++
		}
	}
	if kept < 3 {
		t.Errorf("a news paragraph quoting an appeal kept %d of its 4 sentences", kept)
	}
}
