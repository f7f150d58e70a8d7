package extract

import (
	"os"
	"strings"
	"testing"
)

// TestPronounClaimant checks whom "he", "she", "they" and "it" are credited
// to. Each passage is ours; the claimant of its last sentence is checked.
func TestPronounClaimant(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// A person's pronoun never lands on a body or place.
		{"he skips Downing Street", "Downing Street said talks would resume. President Volodymyr Zelensky, who flew in overnight, met officials. On Monday, he said a ceasefire was close.", "President Volodymyr Zelensky"},
		{"she skips the Treasury", "The Treasury said borrowing had fallen. Chancellor Rachel Reeves visited a factory in Derby. She added that growth would follow.", "Chancellor Rachel Reeves"},
		{"no person to stand for", "The Home Office said the scheme would close. He added that it had cost £3 million.", ""},
		{"the Government is a body", "Mrs Badenoch attacked the plans. The Government said the plans were fair. She said they were not.", "Mrs Badenoch"},
		{"a party is a body", "Sir Ed Davey spoke in Harrogate. The Liberal Democrat Party said 200 seats were in play. He said more were.", "Sir Ed Davey"},
		{"a capital stands for a government", "Mr Rutte arrived on Tuesday. Moscow said the summit was a provocation. He said it was not.", "Mr Rutte"},
		{"it may be a body", "Sainsbury's Group said sales rose 4%. It said prices would stay low.", "Sainsbury's Group"},
		{"they stays with the last speaker", "The Met Office said storms were coming. They said 60mph winds were likely.", "Met Office"},

		// A person named as a subject becomes the referent before saying anything.
		{"subject without a verb of saying", "Labour said the vote was close. Mr Zelensky told reporters in Kyiv he was tired. He said 40,000 troops were needed.", "Mr Zelensky"},
		{"subject after a lead-in", "The BBC said the debate was fair. Asked about the polls, Ms Rayner smiled. She said Labour would win.", "Ms Rayner"},
		{"object is not the referent", "Sir Keir Starmer said he wanted a deal. Later, the council thanked Mr Farage. He said 1,000 homes were planned.", "Sir Keir Starmer"},
		{"description of a named person", "Mr Musk criticised Ukrainian president Volodymyr Zelensky on Friday. The Ukrainian leader later visited Berlin. He said aid had risen by 20%.", "Ukrainian president Volodymyr Zelensky"},

		// Gender cues skip a referent who cannot be meant.
		{"he skips a woman", "Mr Streeting met nurses in Leeds. Ms Phillipson said schools were full. He said waiting lists had fallen.", "Mr Streeting"},
		{"she skips a man", "Dame Emily Thornberry spoke first. Then Lord Cameron said the treaty was weak. She said it was strong.", "Dame Emily Thornberry"},
		{"a pronoun teaches gender", "Wes Streeting said beds were short. Bridget Phillipson said schools were full. She added 300 had closed. Bridget Phillipson spoke again later. He said 500 beds were shut.", "Wes Streeting"},
		{"unknown gender may be either", "Transport Secretary Heidi Alexander said fares would rise. She said by 4.6%.", "Transport Secretary Heidi Alexander"},

		// Titles and short names keep working.
		{"possessive: he and his Cabinet", "The Prime Minister visited Paris. At the weekend, he and his Cabinet warned of higher prices.", "Prime Minister"},
		{"short name expands", "Health Secretary Wes Streeting opened a clinic. Mr Streeting said 2,000 jobs were created.", "Health Secretary Wes Streeting"},
		{"an honorific gives way to the given name", "Mr Trump attacked Volodymyr Zelensky on Friday. Later he called Ukrainian president Mr Zelensky a dictator. Mr Zelensky said 40% of voters backed him.", "Ukrainian president Volodymyr Zelensky"},
		{"a title is not a given name", "Ukrainian President Zelensky flew to Rome. Mr Zelensky said 40% of voters backed him.", "Ukrainian President Zelensky"},
		{"a title stands for its one holder", "Prime Minister Keir Starmer visited Leeds. Later the Prime Minister said 2,000 jobs would follow.", "Prime Minister Keir Starmer"},
		{"a title with two holders stays a title", "President Joe Biden met President Emmanuel Macron. The President said trade rose by 5%.", "President"},
		{"a title is not a short name", "Foreign Minister Jean-Noel Barrot said France agreed. The Prime Minister said Britain did too.", "Prime Minister"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := Extract(tc.in)
			if got := ss[len(ss)-1].Claimant; got != tc.want {
				t.Errorf("claimant = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClassifyName(t *testing.T) {
	tests := []struct {
		name     string
		afterThe bool
		org      bool
		gender   gender
	}{
		{"Downing Street", false, true, unknownGender},
		{"No 10", false, true, unknownGender},
		{"Number 10", false, true, unknownGender},
		{"Government", true, true, unknownGender},
		{"Treasury", true, true, unknownGender},
		{"Kremlin", true, true, unknownGender},
		{"White House", true, true, unknownGender},
		{"Labour", false, true, unknownGender},
		{"BBC", true, true, unknownGender},
		{"Ministry of Defence", true, true, unknownGender},
		{"Department for Education", true, true, unknownGender},
		{"Birmingham City Council", false, true, unknownGender},
		{"Independent", true, true, unknownGender},
		{"Prime Minister", true, false, unknownGender},
		{"Chancellor", true, false, unknownGender},
		{"Mr Zelensky", false, false, male},
		{"Sir Keir Starmer", false, false, male},
		{"Ms Phillipson", false, false, female},
		{"Queen Camilla", false, false, female},
		{"White House Press Secretary Karoline Leavitt", false, false, unknownGender},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			org, _, g := classifyName(tc.name, tc.afterThe)
			if org != tc.org || g != tc.gender {
				t.Errorf("classifyName(%q, %v) = org %v gender %d; want org %v gender %d", tc.name, tc.afterThe, org, g, tc.org, tc.gender)
			}
		})
	}
}

// TestSampleArticlePronouns checks the pronouns of the sample article: the
// Ukrainian leader's "On Sunday, he said…" is his, not Downing Street's,
// and Mr Trump's "he added" is not David Lammy's.
func TestSampleArticlePronouns(t *testing.T) {
	b, err := os.ReadFile(sharedPath(t, "samples/starmer-macron-ukraine.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ss := Extract(string(b))
	for _, want := range []struct{ opening, claimant string }{
		{"On Sunday, he said that he would be ready", "Zelensky"},
		{"At the weekend, he and his Cabinet warned", "Prime Minister"},
		{"Asked whether he would be doing so", "Prime Minister"},
		{"“We better be close to a deal", "Trump"},
		{"Speaking at the Scottish Labour conference", "Prime Minister"},
		{"“The leaders agreed to stay in close contact.”", "Downing Street"},
	} {
		t.Run(want.opening, func(t *testing.T) {
			for _, s := range ss {
				if strings.HasPrefix(s.Text, want.opening) {
					if !strings.Contains(s.Claimant, want.claimant) {
						t.Errorf("claimant %q, want %s", s.Claimant, want.claimant)
					}
					return
				}
			}
			t.Fatalf("no sentence opens %q", want.opening)
		})
	}
}
